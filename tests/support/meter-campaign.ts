// The meter-reading campaign of the console's overview suite (tests/browser/console-overview.test.ts): its
// resources (a letter through a real SFTP print channel, then a 30-day wait), four tenants in complex C-12
// and the ERP's request for each reading.
import type { TestSftpServer } from './sftp-server.js';

/** A meter-reading campaign of `corporation`: one letter through the SFTP print channel, then a wait. */
export const meterCampaign = (corporation: string, sftp: TestSftpServer) => `
apiVersion: outputstraat.io/v1alpha1
kind: Channel
metadata: { name: letter, namespace: ${corporation} }
spec:
  type: letter
  provider: sftp-print
  credentialsSecretRef: { name: print-credentials }
  sftp:
    host: 127.0.0.1
    port: ${sftp.port}
    directory: /inbox
    returnDirectory: /returns
    hostKeySha256: '${sftp.hostKeySha256}'
    batch: { maxLetters: 10, cutoff: '23:59' }
---
apiVersion: outputstraat.io/v1alpha1
kind: Template
metadata: { name: meter-letter, namespace: ${corporation} }
spec:
  channel: letter
  description: Asks for the water meter reading.
  variables:
    - { name: meterNumber, type: string, description: The tenant's sub-meter. }
  locales:
    nl:
      letter:
        subject: Geef de stand van uw watermeter door
        blocks:
          - 'Beste {{debtor.name}},'
          - 'Wilt u de stand van watermeter {{vars.meterNumber}} doorgeven? Scan de QR-code of stuur de antwoordstrook terug.'
          - "{{qr 'meter'}}"
          - "Met vriendelijke groet,\\n{{corporation.displayName}}"
---
apiVersion: outputstraat.io/v1alpha1
kind: Flow
metadata: { name: meter-reading, namespace: ${corporation} }
spec:
  contactClass: campaign
  description: One letter, then wait for the reading.
  trigger: { kinds: [meter-reading] }
  channels: { fallback: [letter] }
  steps:
    - { id: meter-letter, send: { channel: letter, template: meter-letter } }
    - { id: wait, wait: { for: 30d } }
  reactions:
    - { event: cancelled, then: stop }
---
apiVersion: outputstraat.io/v1alpha1
kind: ClassificationRule
metadata: { name: meter-reading, namespace: ${corporation} }
spec:
  priority: 60
  appliesTo: { kinds: [meter-reading] }
  rules:
    - { name: meter-reading, when: "receivable.kind == 'meter-reading'", classification: meter-reading, flow: meter-reading }
`;

export const TENANTS = [
  { id: 'D-9101', name: 'Anouk de Vries', number: '1' },
  { id: 'D-9102', name: 'Bas Jansen', number: '3' },
  { id: 'D-9103', name: 'Cem Yilmaz', number: '5' },
  // A debtor id a spreadsheet would run as a formula: the CSV defuses it.
  { id: '=9104+1', name: 'Dirk Smit', number: '7' },
];
/** The ERP's request for a tenant's reading (complex C-12, meter WM-12-<house number>). */
export const meterRequest = (t: (typeof TENANTS)[number]) => ({
  externalId: `MR-${t.number}`,
  kind: 'meter-reading',
  amount: 0,
  currency: 'EUR',
  dueDate: '2026-12-31',
  paymentReference: `MR-${t.number}`,
  source: 'production',
  complex: 'C-12',
  vars: { meterNumber: `WM-12-${t.number}` },
  debtor: {
    id: t.id,
    name: t.name,
    locale: 'nl',
    address: { street: 'Vismarkt', houseNumber: t.number, postalCode: '9712 CA', city: 'Groningen' },
  },
});
