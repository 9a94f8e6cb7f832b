-- Experiments (docs/experiments.md). A case started in a Flow with spec.experiment keeps the experiment
-- and the arm it was assigned to (a variant's name, or 'holdout'); the report groups cases by them.
ALTER TABLE cases
  ADD COLUMN experiment     text,
  ADD COLUMN experiment_arm text;
CREATE INDEX cases_experiment_idx ON cases (corporation, experiment, experiment_arm) WHERE experiment IS NOT NULL;

-- The current share of new cases per variant of each running experiment: the bandit's allocation, and
-- the variants that guardrails stopped. Intake reads it; without a row the declared weights apply.
CREATE TABLE experiment_allocations (
  corporation text        NOT NULL,
  experiment  text        NOT NULL,
  -- {"holdout": 0.1, "variants": [{"name": "a", "share": 0.3}, ...]}
  allocation  jsonb       NOT NULL,
  stopped     text[]      NOT NULL DEFAULT '{}',
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (corporation, experiment)
);
