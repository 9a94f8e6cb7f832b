// Early signals out to the municipality: every OST_EARLY_SIGNAL_INTERVAL_MS each replica evaluates the
// running dossiers (runtime/dossiers/early-signals.ts makes a signal at most once per dossier) and puts
// each signal not yet exported as one JSON file on the corporation's export SFTP server
// (spec.collections.earlySignal.export.sftp, host key pinned). The file holds what Besluit
// gemeentelijke schuldhulpverlening art. 2 lets a landlord give — the tenant's contact details and the
// arrears — read from the debtor's current row at that moment and kept nowhere else
// (docs/collections-law.md, "The signal file"). A failed upload is tried again on the next pass; the
// same file name is written again, so the municipality never gets two different files for one signal.
import { buildEarlySignal, type TenantContactDetails } from '../../core/law/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { Logger } from '../../platform/log.js';
import { Periodic } from '../../platform/periodic.js';
import type { BundleStore, SecretLookup } from '../bundles/index.js';
import { appendTimeline, evaluateEarlySignals, insertEvents } from '../dossiers/index.js';
import { type ProviderTimeouts, TIMEOUT_DEFAULTS } from './channel-settings.js';
import { withSftp, writeRemoteFile } from './sftp-upload.js';

export interface EarlySignalDeps {
  db: Database;
  bundles: BundleStore;
  secrets: SecretLookup;
  log: Logger;
  timeouts?: ProviderTimeouts;
}

export const SIGNAL_FILE_VERSION = 1;

interface Contact {
  name?: string;
  phone?: string;
  email?: string;
  address?: { street?: string; houseNumber?: string; postalCode?: string; city?: string };
}

/** The file's content (docs/collections-law.md documents every field). */
export function signalFile(
  s: { id: string; corporation: string; createdAt: Date; arrearsCents: number; arrearsTerms: number },
  contact: Contact,
) {
  const details: TenantContactDetails = {
    name: contact.name ?? '',
    street: contact.address?.street ?? '',
    houseNumber: contact.address?.houseNumber ?? '',
    postcode: contact.address?.postalCode ?? '',
    city: contact.address?.city ?? '',
    ...(contact.phone ? { phone: contact.phone } : {}),
    ...(contact.email ? { email: contact.email } : {}),
  };
  const record = buildEarlySignal({ contactDetails: details, arrearsCents: s.arrearsCents });
  return {
    version: SIGNAL_FILE_VERSION,
    signalId: s.id,
    landlord: s.corporation,
    createdAt: s.createdAt.toISOString(),
    tenant: record.contactDetails,
    arrears: { amountCents: record.arrearsCents, currency: 'EUR', terms: s.arrearsTerms },
    basis: 'Besluit gemeentelijke schuldhulpverlening, art. 2',
  };
}

export class EarlySignalWorker {
  private readonly periodic: Periodic;

  constructor(
    private readonly deps: EarlySignalDeps,
    intervalMs: number,
  ) {
    this.periodic = new Periodic(() => this.runOnce(), intervalMs, deps.log, 'early signal pass failed');
  }

  start(): void {
    this.periodic.start();
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** Evaluates, then exports what is pending; returns how many signals were made and exported. */
  async runOnce(now: Date = new Date()): Promise<{ created: number; exported: number }> {
    const created = await evaluateEarlySignals(this.deps.db, this.deps.bundles, now);
    let exported = 0;
    for (const corporation of this.deps.bundles.corporations()) {
      exported += await this.exportPending(corporation, now);
    }
    return { created: created.length, exported };
  }

  private async exportPending(corporation: string, now: Date): Promise<number> {
    const { db, log, secrets } = this.deps;
    const target = this.deps.bundles.get(corporation)?.corporation.earlySignal?.export.sftp;
    if (!target) return 0;
    const pending = await db.any(sql.unsafe`
      SELECT s.id, s.case_id, s.arrears_cents, s.arrears_terms, s.created_at, d.contact
      FROM early_signals s JOIN debtors d ON d.id = s.debtor_ref
      WHERE s.corporation = ${corporation} AND s.exported_at IS NULL ORDER BY s.created_at LIMIT 500`);
    if (pending.length === 0) return 0;
    const timeouts = this.deps.timeouts ?? TIMEOUT_DEFAULTS;
    const secret = (key: string) => secrets(corporation, target.credentialsSecretRef.name, key);
    const dir = target.directory.replace(/\/$/, '');
    const done: { id: string; caseId: string; file: string }[] = [];
    try {
      await withSftp(
        {
          host: target.host,
          port: target.port ?? 22,
          username: secret('username') ?? '',
          password: secret('password'),
          privateKey: secret('privateKey'),
          hostKeySha256: target.hostKeySha256,
          what: `Corporation ${corporation} spec.collections.earlySignal.export.sftp`,
        },
        { readyMs: timeouts.sftpReadyMs, uploadMs: timeouts.sftpUploadMs },
        async (sftp) => {
          await new Promise<void>((resolve) => sftp.mkdir(dir, () => resolve()));
          for (const p of pending) {
            const file = `vroegsignaal-${p.id as string}.json`;
            const body = signalFile(
              {
                id: p.id as string,
                corporation,
                createdAt: new Date(p.created_at as string),
                arrearsCents: Number(p.arrears_cents),
                arrearsTerms: Number(p.arrears_terms),
              },
              p.contact as Contact,
            );
            await writeRemoteFile(sftp, `${dir}/${file}`, Buffer.from(`${JSON.stringify(body, null, 2)}\n`));
            done.push({ id: p.id as string, caseId: p.case_id as string, file });
          }
        },
        'early signal export',
      );
    } catch (err) {
      // Ids and the reason only: the error of a signal with a missing address names the field, not the tenant.
      const failed = pending.map((p) => p.id as string).filter((id) => !done.some((d) => d.id === id));
      await db.query(sql.unsafe`
        UPDATE early_signals SET attempts = attempts + 1, last_error = ${(err as Error).message}
        WHERE id = ANY(${sql.array(failed, 'uuid')})`);
      log.warn(
        { corporation, signals: failed.length, err: (err as Error).message },
        'early signals could not be exported',
      );
    }
    for (const d of done) {
      await db.transaction(async (tx) => {
        const updated = await tx.maybeOneFirst(sql.unsafe`
          UPDATE early_signals SET exported_at = ${now.toISOString()}, export_file = ${d.file},
            attempts = attempts + 1, last_error = NULL
          WHERE id = ${d.id} AND exported_at IS NULL RETURNING id`);
        if (!updated) return;
        const c = await tx.one(sql.unsafe`SELECT receivable_id FROM cases WHERE id = ${d.caseId} FOR UPDATE`);
        await insertEvents(tx, [
          {
            corporation,
            caseId: d.caseId,
            receivableId: c.receivable_id as string,
            type: 'earlySignal.exported',
            data: { id: d.id, file: d.file },
            at: now,
          },
        ]);
        await appendTimeline(tx, d.caseId, [
          { at: now.toISOString(), text: `Early signal handed to the municipality's intake as ${d.file}.` },
        ]);
      });
    }
    return done.length;
  }
}
