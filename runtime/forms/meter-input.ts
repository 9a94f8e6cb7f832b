// What a meter reading's fields must look like, for the tenant's form and for staff entry alike.
export const METER_NUMBER = /^[A-Za-z0-9][A-Za-z0-9 ./-]{0,39}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function isPastOrToday(date: string): boolean {
  return DATE.test(date) && !Number.isNaN(Date.parse(date)) && date <= today();
}
