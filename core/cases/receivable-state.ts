import type { ReceivableInput } from '../receivable/index.js';

/** A receivable as a case sees it: the ERP's data plus what has changed since (balance, status). */
export interface ReceivableState {
  input: ReceivableInput;
  balance: number;
  status: 'open' | 'paid' | 'cancelled' | 'paused';
}

export function receivableState(input: ReceivableInput): ReceivableState {
  const balance = input.balance ?? input.amount;
  return { input, balance, status: balance <= 0 ? 'paid' : 'open' };
}
