-- 026-console-tasks: the staff console's work list (docs/console.md, "Tasks").
--
-- A task can be for a team: a consultant alert is for the alert recipients of its action (Corporation
-- spec.alerts.recipients[].name, e.g. "Team Huurincasso"), so each team's list shows its own work. NULL
-- is the whole corporation's (replies, dead letters). The console's lists are per corporation and
-- status, then team; the index serves the "open", "snoozed" and "done" lists oldest first.
ALTER TABLE tasks ADD COLUMN team text;
CREATE INDEX tasks_team_idx ON tasks (corporation, team, status, created_at) WHERE team IS NOT NULL;
