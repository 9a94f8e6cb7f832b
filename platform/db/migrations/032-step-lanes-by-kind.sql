-- 032-step-lanes-by-kind: the scheduler claims timers (due, watch) and sends (send, alert) apart, each
-- round. Over one index of every scheduled step (029's), the timers' claim walked past every due send on
-- its way — thousands on a rent day, in each round, 8 ms a call in the bench — only to find no timer.
-- One index per kind of work: each claim, and each lane probe, reads only its own.
CREATE INDEX steps_scheduled_sends_idx ON steps (corporation, due_at)
  WHERE status = 'scheduled' AND kind IN ('send', 'alert');
CREATE INDEX steps_scheduled_timers_idx ON steps (corporation, due_at)
  WHERE status = 'scheduled' AND kind IN ('due', 'watch');
DROP INDEX steps_scheduled_corporation_due_idx;
