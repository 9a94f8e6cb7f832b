// The second corporation of the fixture street (fixtures/second-corporation): for tests and the bench
// that need one corporation's bulk beside another's single receivables.
import { fixtureReceivable } from './durability-street.js';

export const SECOND_CORPORATION_STREET = 'tests/support/fixtures/second-corporation';
export const SECOND_CORPORATION = 'eerlijk-wonen';
export const SECOND_KEY = 'eerlijk-wonen-test-key';

/** A receivable of the second corporation; its debtor's address names it, so its mail is found in the sink. */
export function secondReceivable(n: number) {
  return fixtureReceivable(n, {
    externalId: `EW-${String(n).padStart(7, '0')}`,
    debtor: { id: `EW-D-${n}`, name: `Huurder ${n}`, email: `ew-${n}@eerlijk.example.org`, locale: 'nl' },
  });
}

/** Posts one receivable of the second corporation as JSON, as an ERP does for a single storno. */
export async function postSecond(runtimeUrl: string, n: number): Promise<number> {
  const res = await fetch(`${runtimeUrl}/v1/receivables`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECOND_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(secondReceivable(n)),
  });
  await res.arrayBuffer();
  return res.status;
}
