// The timeline's words for the contact budget, shared by the dispatcher and the simulator.

/** 'Email 'arrears-1' deferred to 5 Dec 2026 10:00: the household had a message 1 day ago (…)'. */
export function budgetDeferredText(
  label: string,
  template: string,
  until: Date,
  timeZone: string,
  reason: string,
): string {
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(until);
  return `${label} '${template}' deferred to ${local.replace(',', '')}: ${reason}`;
}

/** Why a send of an `overBudget: skip` flow is not sent. */
export const budgetSkipReason = (reason: string) => `over the contact budget: ${reason}`;
