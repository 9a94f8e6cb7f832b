// What staff enter from a tenant's paper return form (or a phone call) on the debtor page: a meter
// reading and contact details. The same checks as the tenant's own forms (validateMeterFields,
// validateContact, the plausibility check), stored the same way with source 'paper', on the ERP's feed
// (meter.reading, contact.updated), and the campaign request it answers ends like any answered one.
import { validationError } from '../../core/receivable/validation-error.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import {
  CAMPAIGN_KINDS,
  type Campaign,
  endCampaignRequest,
  implausibleReadingError,
  meterBaseline,
  recordContactUpdate,
  recordMeterReading,
  validateContact,
  validateMeterFields,
} from '../forms/index.js';
import { TEXTS } from '../web/index.js';
import type { Ctx } from './console-kit.js';
import { formatAddress } from './search.js';

interface PaperDeps {
  db: Database;
  bundles: BundleStore;
  now?: () => Date;
}
type Form = Record<string, unknown>;
const text = (form: Form, key: string) => (typeof form[key] === 'string' ? (form[key] as string).trim() : '');
const fieldErrors = (errors: Partial<Record<string, string>>) =>
  validationError(Object.entries(errors).map(([field, message]) => ({ field, message: message ?? '' })));

/** The debtor's campaign receivable `externalId` of this campaign, or a 400 naming the field. */
async function campaignItem(
  deps: PaperDeps,
  corporation: string,
  debtorRef: string,
  campaign: Campaign,
  externalId: string,
) {
  const row = externalId
    ? await deps.db.maybeOne(sql.unsafe`
        SELECT id, debtor -> 'address' AS address, coalesce(payload -> 'vars', '{}'::jsonb) AS vars
        FROM receivables WHERE corporation = ${corporation} AND debtor_ref = ${debtorRef}
          AND external_id = ${externalId} AND kind = ${CAMPAIGN_KINDS[campaign]}`)
    : null;
  if (!row) {
    throw validationError([
      { field: 'externalId', message: `must be one of the debtor's ${campaign} requests` },
    ]);
  }
  return {
    id: row.id as string,
    address: formatAddress(row.address),
    vars: row.vars as Record<string, string | number | boolean>,
  };
}

export async function paperMeterReading(
  deps: PaperDeps,
  ctx: Ctx,
  debtor: { ref: string; id: string },
  form: Form,
): Promise<void> {
  const externalId = text(form, 'externalId');
  const item = await campaignItem(deps, ctx.corporation, debtor.ref, 'meter', externalId);
  const fixed = item.vars.meterNumber;
  const checked = validateMeterFields(
    { meterNumber: text(form, 'meterNumber'), reading: text(form, 'reading'), readOn: text(form, 'readOn') },
    fixed !== undefined && fixed !== '' ? String(fixed) : undefined,
    TEXTS[ctx.lang],
  );
  if (!checked.ok) throw fieldErrors(checked.errors);
  const { meterNumber, reading, readOn } = checked.values;
  const baseline = await meterBaseline(deps.db, ctx.corporation, meterNumber, item.vars);
  const result = await recordMeterReading(
    deps.db,
    {
      corporation: ctx.corporation,
      receivableId: item.id,
      externalId,
      address: item.address ?? '-',
      meterNumber,
      reading,
      readOn,
      source: 'paper',
      confirmed: text(form, 'confirm') === 'yes',
    },
    baseline,
  );
  if (!result.recorded) {
    throw implausibleReadingError(meterNumber, reading, result.check);
  }
  await endCampaignRequest(deps, ctx.corporation, externalId, 'meter', 'meter reading received on paper');
}

export async function paperContactUpdate(
  deps: PaperDeps,
  ctx: Ctx,
  debtor: { ref: string; id: string },
  form: Form,
): Promise<void> {
  const externalId = text(form, 'externalId');
  const item = externalId
    ? await campaignItem(deps, ctx.corporation, debtor.ref, 'contact', externalId)
    : undefined;
  const checked = validateContact(
    { mobile: text(form, 'mobile'), email: text(form, 'email') },
    TEXTS[ctx.lang],
  );
  if (!checked.ok) throw fieldErrors(checked.errors);
  await recordContactUpdate(
    { db: deps.db },
    {
      bundle: ctx.bundle,
      source: 'paper',
      receivableId: item?.id,
      externalId: item ? externalId : undefined,
      debtorId: debtor.id,
      debtorName: '',
    },
    checked.values,
    ctx.lang,
  );
  if (item) {
    await endCampaignRequest(
      deps,
      ctx.corporation,
      externalId,
      'contact',
      'contact details received on paper',
    );
  }
}
