// Archive: every message exactly as sent, and the retention sweep.
// The stage's public face: other folders import from here, never from its files.
export {
  type ArchivedMessage,
  archivedContent,
  debtorKnown,
  listArchivedMessages,
  receivableIdOf,
} from './archive-queries.js';
export {
  type ArchivedPart,
  archiveMessages,
  archiveParts,
  type MessageParts,
  type PartName,
  partsListOf,
  readPart,
} from './archive-store.js';
export { emailBodies, emailView, type PartView } from './email-views.js';
export { dossierEvidenceZip, type EvidenceManifest } from './evidence-zip.js';
export {
  RetentionSweeper,
  SWEEP_BATCH,
  type SweepReport,
  sweepCorporation,
  sweepKind,
  sweepRetention,
} from './retention-sweep.js';
