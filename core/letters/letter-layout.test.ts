import { describe, expect, it } from 'vitest';
import type { BundleCorporation } from '../bundle/types.js';
import { ADDRESS_TOP_MM, addressLines, letterBlocks, letterModel, WINDOW_MM } from './letter-layout.js';

const corporation = {
  id: 'woonstad-noord',
  displayName: 'Woonstad Noord',
  base: 'outputstraat-base',
  locale: 'nl',
  timezone: 'Europe/Amsterdam',
  branding: { primaryColor: '#00695c' },
  contact: { phone: '050 123 45 67', postalAddress: 'Postbus 100, 9700 AA Groningen' },
  sender: { name: 'Woonstad Noord', email: 'noreply@woonstad-noord.example' },
  alerts: [],
  retention: { messagesDays: 730, dossiersDays: 365, formsDays: 365, eventsDays: 90 },
  paused: false,
} as BundleCorporation;

describe('letter layout', () => {
  it('places the address inside a DIN 5008 / C5/6 window: 20 mm from the left, from 45 mm down', () => {
    expect(WINDOW_MM).toEqual({ left: 20, top: 45, width: 85, height: 45 });
    expect(ADDRESS_TOP_MM).toBeGreaterThanOrEqual(WINDOW_MM.top);
    // Six lines of 10.5 pt (about 4.4 mm each) still end inside the window.
    expect(ADDRESS_TOP_MM + 6 * 4.4).toBeLessThanOrEqual(WINDOW_MM.top + WINDOW_MM.height);
  });

  it('writes Dutch addresses as name, street and number, postcode and city in capitals; foreign ones with the country', () => {
    const address = { street: 'Vismarkt', houseNumber: '12a', postalCode: '9712 CA', city: 'Groningen' };
    expect(addressLines('K. Balogun', address)).toEqual(['K. Balogun', 'Vismarkt 12a', '9712 CA  GRONINGEN']);
    expect(
      addressLines('M. Peeters', { ...address, city: 'Antwerpen', postalCode: '2000', country: 'BE' }),
    ).toEqual(['M. Peeters', 'Vismarkt 12a', '2000  ANTWERPEN', 'BELGIË']);
  });

  it('draws a block that is only a link as a QR code', () => {
    expect(
      letterBlocks(['Beste heer,', ' https://pay.example/p/x ', '', 'Zie https://pay.example/p/x']),
    ).toEqual([
      { kind: 'text', text: 'Beste heer,' },
      { kind: 'qr', url: 'https://pay.example/p/x' },
      { kind: 'text', text: 'Zie https://pay.example/p/x' },
    ]);
  });

  it("fills date, references and the payment box in the debtor's language", () => {
    const m = letterModel({
      corporation,
      locale: 'nl',
      registered: true,
      now: new Date('2026-11-22T23:30:00Z'),
      paymentUrl: 'https://pay.example/p/x',
      subject: 'Onderwerp',
      blocks: ['Tekst'],
      receivable: {
        externalId: 'WN-1',
        kind: 'storno',
        amount: 62079,
        balance: 62079,
        currency: 'EUR',
        dueDate: '2026-11-01',
        paymentReference: '1528',
        source: 'production',
        debtor: { id: 'D-1', name: 'K. Balogun' },
      } as never,
    });
    // 23:30 UTC is already 23 November in Amsterdam.
    expect(m.info).toEqual([
      { label: 'Datum', value: '23 november 2026' },
      { label: 'Betalingskenmerk', value: '1528' },
      { label: 'Ons kenmerk', value: 'WN-1' },
      { label: 'Huurdernummer', value: 'D-1' },
    ]);
    expect(m.payment.lines[0]).toEqual({ label: 'Te betalen', value: '€ 620,79' });
    expect(m.corporation.returnLine).toBe('Woonstad Noord · Postbus 100, 9700 AA Groningen');
    expect(m.registered).toBe(true);
  });

  it("addresses a letter to the estate of a deceased debtor at the same address, in the letter's language", () => {
    const address = { street: 'Vismarkt', houseNumber: '12', postalCode: '9712 CB', city: 'Groningen' };
    const input = (locale: 'nl' | 'en') =>
      letterModel({
        corporation,
        locale,
        registered: false,
        toEstate: true,
        now: new Date('2026-11-22T10:00:00Z'),
        subject: 'Onderwerp',
        blocks: ['Tekst'],
        receivable: {
          externalId: 'WN-1',
          balance: 62079,
          paymentReference: '1528',
          debtor: { id: 'D-1', name: 'K. Balogun', address },
        } as never,
      });
    expect(input('nl').addressLines).toEqual([
      'De erven van K. Balogun',
      'Vismarkt 12',
      '9712 CB  GRONINGEN',
    ]);
    expect(input('en').addressLines[0]).toBe('The estate of K. Balogun');
  });
});
