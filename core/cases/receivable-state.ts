import type { ReceivableInput } from '../receivable/index.js';

/** A receivable as a case sees it: the ERP's data plus what has changed since (balance, status). */
export interface ReceivableState {
  input: ReceivableInput;
  balance: number;
  status: 'open' | 'paid' | 'cancelled' | 'paused';
  /** Channel types the debtor opted out of: the engine treats them as unreachable (docs/adr/0007). */
  optOuts?: readonly string[];
}

/** A debt whose balance is already zero arrives paid; a receivable without an amount (a campaign) is open. */
export function initialStatus(input: ReceivableInput): ReceivableState['status'] {
  const balance = input.balance ?? input.amount;
  return input.amount > 0 && balance <= 0 ? 'paid' : 'open';
}

export function receivableState(input: ReceivableInput): ReceivableState {
  return { input, balance: input.balance ?? input.amount, status: initialStatus(input) };
}
