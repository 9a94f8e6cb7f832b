-- 027-console-overviews: the console's overviews and campaign overviews (docs/console.md).
--
-- A reading or contact update that staff enter in the console from a paper return form (or a phone
-- call) is stored like the tenant's own, with source 'paper'.
ALTER TABLE meter_readings DROP CONSTRAINT IF EXISTS meter_readings_source_check;
ALTER TABLE meter_readings ADD CONSTRAINT meter_readings_source_check
  CHECK (source IN ('tenant', 'staff', 'erp', 'paper'));
ALTER TABLE contact_updates DROP CONSTRAINT IF EXISTS contact_updates_source_check;
ALTER TABLE contact_updates ADD CONSTRAINT contact_updates_source_check
  CHECK (source IN ('tenant', 'staff', 'paper'));

-- The campaign overview joins each campaign receivable to its readings and contact updates.
CREATE INDEX meter_readings_receivable_idx ON meter_readings (receivable_id) WHERE receivable_id IS NOT NULL;
CREATE INDEX contact_updates_receivable_idx ON contact_updates (receivable_id) WHERE receivable_id IS NOT NULL;
-- The overviews group a corporation's dossiers by flow and classification.
CREATE INDEX cases_corporation_flow_idx ON cases (corporation, flow, classification);
-- The payment that settled a receivable (balance 0): when it was paid.
CREATE INDEX payments_settled_idx ON payments (receivable_id) WHERE balance_after = 0;
-- A campaign is the corporation's receivables of one kind (meter-reading, enrichment), per complex.
CREATE INDEX receivables_corporation_kind_idx ON receivables (corporation, kind);
