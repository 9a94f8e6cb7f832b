// Forms: contact-data and meter-reading forms and what they record.
// The stage's public face: other folders import from here, never from its files.
export { toCsv } from './csv.js';
export { registerFormRoutes } from './form-routes.js';
export { isPastOrToday, METER_NUMBER, today } from './meter-input.js';
export { meterBaseline, recordMeterReading } from './meter-records.js';
