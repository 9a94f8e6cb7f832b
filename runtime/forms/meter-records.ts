// Meter readings from tenants (form), staff (the API) and the console (paper return forms): one table, one event per reading
// for the ERP's feed. The baseline for the plausibility check is the newest reading that is not waiting
// for review, or else what the ERP sent with the receivable (vars meterLastReading/meterLastReadingDate).

import { type Database, sql } from '../../platform/db/index.js';
import { insertEvents } from '../dossiers/index.js';
import { checkReading, type MeterBaseline, type Plausibility, yearlyUseFrom } from './meter-plausibility.js';

export interface MeterReadingInput {
  corporation: string;
  receivableId?: string | undefined;
  externalId?: string | undefined;
  address: string;
  meterNumber: string;
  reading: number;
  readOn: string;
  /** tenant: the form; staff: POST /v1/forms/meter-readings; paper: entered in the console. */
  source: 'tenant' | 'staff' | 'paper';
  /** The tenant or staff member confirmed an implausible reading. */
  confirmed: boolean;
}

export interface MeterVars {
  meterNumber?: string | number | boolean;
  meterLastReading?: string | number | boolean;
  meterLastReadingDate?: string | number | boolean;
  meterYearlyUse?: string | number | boolean;
}

const num = (v: unknown) =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;

export async function meterBaseline(
  db: Database,
  corporation: string,
  meterNumber: string,
  vars: MeterVars = {},
): Promise<MeterBaseline | undefined> {
  const rows = (await db.any(sql.unsafe`
    SELECT reading, read_on FROM meter_readings
    WHERE corporation = ${corporation} AND meter_number = ${meterNumber} AND NOT needs_review
    ORDER BY read_on DESC, submitted_at DESC LIMIT 20`)) as unknown as { reading: number; read_on: string }[];
  const history = rows.map((r) => ({ reading: Number(r.reading), readOn: r.read_on }));
  const fromErp = num(vars.meterLastReading);
  const erpDate = typeof vars.meterLastReadingDate === 'string' ? vars.meterLastReadingDate : undefined;
  if (fromErp !== undefined && erpDate && String(vars.meterNumber ?? meterNumber) === meterNumber) {
    history.push({ reading: fromErp, readOn: erpDate });
  }
  if (history.length === 0) return undefined;
  const latest = [...history].sort((a, b) => b.readOn.localeCompare(a.readOn) || b.reading - a.reading)[0]!;
  return { ...latest, yearlyUse: num(vars.meterYearlyUse) ?? yearlyUseFrom(history) };
}

export type RecordResult =
  | { recorded: true; id: string; needsReview: boolean; check: Plausibility }
  | { recorded: false; check: Exclude<Plausibility, { ok: true }> };

export async function recordMeterReading(
  db: Database,
  input: MeterReadingInput,
  baseline: MeterBaseline | undefined,
): Promise<RecordResult> {
  const check = checkReading(input.reading, input.readOn, baseline);
  if (!check.ok && !input.confirmed) return { recorded: false, check };
  const needsReview = !check.ok;
  const reason = check.ok ? null : check.reason;
  const id = await db.transaction(async (tx) => {
    const row = await tx.one(sql.unsafe`
      INSERT INTO meter_readings (corporation, receivable_id, external_id, address, meter_number, reading, read_on,
        source, needs_review, review_reason)
      VALUES (${input.corporation}, ${input.receivableId ?? null}, ${input.externalId ?? null}, ${input.address},
        ${input.meterNumber}, ${input.reading}, ${input.readOn}, ${input.source}, ${needsReview}, ${reason})
      RETURNING id`);
    await insertEvents(tx, [
      {
        corporation: input.corporation,
        ...(input.receivableId ? { receivableId: input.receivableId } : {}),
        ...(input.externalId ? { externalId: input.externalId } : {}),
        type: 'meter.reading',
        data: {
          id: row.id,
          meterNumber: input.meterNumber,
          address: input.address,
          reading: input.reading,
          readOn: input.readOn,
          source: input.source,
          needsReview,
          ...(reason ? { reviewReason: reason } : {}),
        },
      },
    ]);
    return row.id as string;
  });
  return { recorded: true, id, needsReview, check };
}
