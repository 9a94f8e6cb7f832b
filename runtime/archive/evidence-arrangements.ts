// The evidence summary's arrangement history: each payment arrangement or promise to pay of the dossier with
// who made it (ERP, console, tenant), when, how it stands or ended, and per instalment its due date, amount
// and what of it is paid (runtime/dossiers loadArrangements; docs/collections-law.md § 3).
import type { SectionWriter } from './evidence-costs.js';
import type { EvidenceData } from './evidence-data.js';

const SOURCE: Record<string, string> = { erp: 'ERP', console: 'console', tenant: 'tenant' };

export function writeArrangementsSection(
  w: SectionWriter,
  e: EvidenceData,
  euros: (cents: number) => string,
): void {
  if (e.arrangements.length === 0) return;
  w.heading('Payment arrangements and promises to pay');
  const cols = [12, 45, 75, 105];
  for (const a of e.arrangements) {
    w.line(
      `${a.kind === 'plan' ? 'Payment plan' : 'Promise to pay'} for ${a.externalId}, made ${a.madeOn} via ${SOURCE[a.source] ?? a.source}${a.reference ? ` (${a.reference})` : ''}: ${euros(a.total)}, status ${a.status}${a.endedAt ? ` (${a.endedAt.slice(0, 10)})` : ''}; paid ${euros(a.paid)}, grace ${a.graceDays} days.`,
      { bold: true },
    );
    w.row(['Term', 'Due date', 'Amount', 'Paid'], cols, true);
    for (const t of a.terms) w.row([String(t.term), t.dueOn, euros(t.amount), euros(t.paid)], cols);
  }
}
