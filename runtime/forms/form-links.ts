// Links to the contact-data and meter-reading forms: like payment links, 144 random bits, bound to one
// corporation, one receivable and one purpose, and expiring. An open link for the same purpose is reused.

import type { Database } from '../../platform/db/index.js';
import { ensureLink } from '../dossiers/index.js';

export type FormPurpose = 'contact' | 'meter';

export const FORM_LINK_DAYS = 60;

export const ensureFormLink = (
  db: Pick<Database, 'maybeOne' | 'query'>,
  corporation: string,
  receivableId: string,
  purpose: FormPurpose,
  days = FORM_LINK_DAYS,
) => ensureLink(db, corporation, receivableId, purpose, days);
