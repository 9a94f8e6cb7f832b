// Calendar arithmetic shared by the flow simulator and the live scheduler. Pure: no I/O and no clock —
// every function takes the instants it needs. Local days and hours are read in CalendarSettings.timezone.

export { addBusinessDays, isBusinessDate, isBusinessDay } from './business-days.js';
export { firstDateFrom, nthDateAfter } from './date-scan.js';
export {
  assertDispatchWindow,
  describeWindow,
  isInsideWindow,
  nextWindowOpening,
} from './dispatch-window.js';
export { addDuration, formatDuration, parseFlowDuration } from './duration.js';
export { explainDeferral } from './explain.js';
export { generalHolidayOn, isGeneralRestDay } from './general-holidays.js';
export type { ClosedReason, HolidayEntry } from './holidays.js';
export {
  assertCalendar,
  closedReasonOn,
  DEFAULT_HOLIDAY_COUNTRY,
  holidaysOn,
  isPublicHoliday,
  publicHolidayOn,
} from './holidays.js';
export type { LocalDate } from './local-date.js';
export {
  addLocalDays,
  addLocalMonths,
  compareLocalDates,
  daysBetween,
  localDateKey,
  parseLocalDate,
  WEEKDAYS,
  weekdayOf,
} from './local-date.js';
export { localTime } from './local-time.js';
export {
  isPostalDeliveryDate,
  POSTNL_DELIVERY_WEEKDAYS,
  type PostalDeliverySettings,
} from './postal-days.js';
export { type QuietHours, quietHoursEnd } from './quiet-hours.js';
export type { SpreadSlot } from './spread.js';
export { allocateSpreadSlot } from './spread.js';
export type { CalendarSettings, DispatchWindow, Duration, Weekday } from './types.js';
export type { Disambiguation, LocalDateTime, ZonedParts } from './zoned-time.js';
export { fromZonedParts, localDateOf, startOfLocalHour, toZonedParts } from './zoned-time.js';
