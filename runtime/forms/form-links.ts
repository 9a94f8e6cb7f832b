// Links to the contact-data and meter-reading forms: like payment links, bound to one corporation, one
// receivable and one purpose, expiring, and stored only as the hash of their token. An open link for the
// same purpose is reused; a contact link closes once the tenant has used it.

import type { Database } from '../../platform/db/index.js';
import { ensureLink, type LinkTokens } from '../dossiers/index.js';

export type FormPurpose = 'contact' | 'meter';

export const FORM_LINK_DAYS = 60;

export const ensureFormLink = (
  db: Pick<Database, 'maybeOne' | 'query'>,
  links: LinkTokens,
  corporation: string,
  receivableId: string,
  purpose: FormPurpose,
  days = FORM_LINK_DAYS,
) => ensureLink(db, links, corporation, receivableId, purpose, days);
