-- One dossier per debtor (docs/adr/0007-debtor-dossiers.md, "Flows").
--
-- At most one running (active or paused) debtor-scope dossier per debtor and flow. Intake and a
-- hand-over create or join one only while holding the debtor row's lock, so this never fires in normal
-- operation; it makes a second parallel dossier impossible rather than unlikely.
CREATE UNIQUE INDEX cases_one_running_dossier_idx ON cases (debtor_ref, flow)
  WHERE scope = 'debtor' AND status IN ('active', 'paused');

-- The dossiers a receivable is a current item of (payments and balance changes are fed to them).
CREATE INDEX case_items_current_idx ON case_items (receivable_id) WHERE left_at IS NULL;
