-- 034-gauge-sample-cost: how long the last shared count took (runtime/gauges/shared-sample.ts). The next
-- count waits at least twenty times that, so the street's gauges never take more than a twentieth of one
-- Postgres core, however many steps a rent day leaves waiting (issue #16: 807 ms a count with 600,000 due
-- sends in the table, every 15 seconds).
ALTER TABLE gauge_samples ADD COLUMN took_ms integer NOT NULL DEFAULT 0;
