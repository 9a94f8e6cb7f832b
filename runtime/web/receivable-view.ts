import { type Database, sql } from '../../platform/db/index.js';

/** What a debtor page shows of a receivable. */
export interface PayableView {
  amountMinor: number;
  balanceMinor: number;
  currency: string;
  dueDate: string;
  paymentReference: string | null;
  invoiceNumber: string | null;
  description: string | null;
  /**
   * The open items of the debtor-scope dossier the link belongs to, oldest first; `balanceMinor` is then
   * their total. Absent for a receivable on its own.
   */
  items?: { externalId: string; description?: string; dueDate: string; balance: number }[];
}

export interface ReceivableForPage extends PayableView {
  externalId: string;
  status: 'open' | 'paid' | 'cancelled' | 'paused';
  debtorLocale: string | null;
  debtorId: string;
  debtorName: string;
  address: string | null;
  vars: Record<string, string | number | boolean>;
}

interface Row {
  external_id: string;
  amount_minor: number;
  balance_minor: number;
  currency: string;
  due_date: string;
  payment_reference: string | null;
  invoice_number: string | null;
  description: string | null;
  status: ReceivableForPage['status'];
  debtor: {
    id: string;
    name: string;
    locale?: string;
    address?: { street: string; houseNumber: string; postalCode: string; city: string };
  };
  vars: Record<string, string | number | boolean> | null;
}

/** What a debtor page shows of a receivable; scoped to the link's corporation. */
export async function receivableForPage(
  db: Database,
  corporation: string,
  receivableId: string,
): Promise<ReceivableForPage | undefined> {
  const row = (await db.maybeOne(sql.unsafe`
    SELECT external_id, amount_minor, balance_minor, currency, due_date, payment_reference, invoice_number,
      description, status, debtor, payload->'vars' AS vars
    FROM receivables WHERE id = ${receivableId} AND corporation = ${corporation}`)) as unknown as Row | null;
  if (!row) return undefined;
  const a = row.debtor.address;
  return {
    externalId: row.external_id,
    amountMinor: Number(row.amount_minor),
    balanceMinor: Number(row.balance_minor),
    currency: row.currency,
    dueDate: row.due_date,
    paymentReference: row.payment_reference,
    invoiceNumber: row.invoice_number,
    description: row.description,
    status: row.status,
    debtorLocale: row.debtor.locale ?? null,
    debtorId: row.debtor.id,
    debtorName: row.debtor.name,
    address: a ? `${a.street} ${a.houseNumber}, ${a.postalCode} ${a.city}` : null,
    vars: row.vars ?? {},
  };
}
