// The texts of the console's overviews and of the paper entry on the debtor page, in Dutch and English.
import type { Lang } from '../web/index.js';

const nl = {
  overview: 'Overzichten',
  flows: 'Dossiers per flow en classificatie',
  flowsIntro:
    'Betaald binnen 14 (30) dagen: van de posten die minstens 14 (30) dagen in een dossier zitten, hoeveel binnen die termijn volledig betaald zijn.',
  classification: 'Classificatie',
  openDossiers: 'Open dossiers',
  openAmount: 'Openstaand bedrag',
  paid14: 'Betaald binnen 14 dagen',
  paid30: 'Betaald binnen 30 dagen',
  of: 'van',
  meter: 'Meterstanden',
  contact: 'Contactgegevens',
  complex: 'Complex',
  noComplex: '—',
  digital: 'Digitaal',
  paper: 'Papier',
  missing: 'Ontbreekt',
  total: 'Totaal',
  nothing: 'Nog niets.',
  csv: 'Exporteren als CSV',
  paperReading: 'Meterstand van papier invoeren',
  paperContact: 'Contactgegevens invoeren',
  request: 'Verzoek',
  noRequest: 'geen (los van een campagne)',
};

export type OverviewTexts = typeof nl;

const en: OverviewTexts = {
  overview: 'Overviews',
  flows: 'Dossiers per flow and classification',
  flowsIntro:
    'Paid within 14 (30) days: of the items that have been in a dossier for at least 14 (30) days, how many were paid in full within that time.',
  classification: 'Classification',
  openDossiers: 'Open dossiers',
  openAmount: 'Open amount',
  paid14: 'Paid within 14 days',
  paid30: 'Paid within 30 days',
  of: 'of',
  meter: 'Meter readings',
  contact: 'Contact data',
  complex: 'Complex',
  noComplex: '—',
  digital: 'Digital',
  paper: 'Paper',
  missing: 'Missing',
  total: 'Total',
  nothing: 'Nothing yet.',
  csv: 'Export as CSV',
  paperReading: 'Enter a meter reading from paper',
  paperContact: 'Enter contact details',
  request: 'Request',
  noRequest: 'none (outside a campaign)',
};

export const OVERVIEW_TEXTS: Record<Lang, OverviewTexts> = { nl, en };
