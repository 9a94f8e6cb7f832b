-- 033-jsonb-statistics: ANALYZE keeps no statistics for the large jsonb columns no query filters on as a
-- whole (issue #16). Autovacuum analyses a table after every 10 % it grew; on a rent day each of those
-- runs sorted 30,000 sampled documents of every jsonb column to find their most common values and
-- histogram — 7.6 % of Postgres's CPU in the bench's pipeline of 600,000 receivables, nearly all of it
-- comparing jsonb (perf on the bench's Postgres). After a pipeline of 100,000, one ANALYZE of receivables,
-- cases, steps and events took 2,009 ms with these statistics and 985 ms without. The street reads these documents by key
-- (`payload ->> 'messageId'`, `state ->> 'linkClosed'`), which the planner estimates without the column's
-- statistics, and the expressions it filters by (`debtor ->> 'id'`) have expression indexes with their
-- own. debtors.contact keeps its statistics: the console's search filters on `contact ? 'email'`.
ALTER TABLE receivables ALTER COLUMN payload SET STATISTICS 0, ALTER COLUMN debtor SET STATISTICS 0;
ALTER TABLE cases ALTER COLUMN state SET STATISTICS 0, ALTER COLUMN timeline SET STATISTICS 0;
ALTER TABLE steps ALTER COLUMN payload SET STATISTICS 0, ALTER COLUMN result SET STATISTICS 0;
ALTER TABLE events ALTER COLUMN data SET STATISTICS 0;
