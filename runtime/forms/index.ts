// Forms: contact-data and meter-reading forms and what they record.
// The stage's public face: other folders import from here, never from its files.

export { CAMPAIGN_KINDS, type Campaign, endCampaignRequest } from './campaign-answers.js';
export { recordContactUpdate } from './contact-records.js';
export { type ContactValues, validateContact } from './contact-validation.js';
export { toCsv } from './csv.js';
export { registerFormRoutes } from './form-routes.js';
export { isPastOrToday, METER_NUMBER, today, validateMeterFields } from './meter-input.js';
export { implausibleReadingError } from './meter-plausibility.js';
export { meterBaseline, recordMeterReading } from './meter-records.js';
