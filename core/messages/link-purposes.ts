// Which personal links a message template needs: `{{paymentLink}}` -> payment, `{{link 'contact'}}` and
// `{{qr 'meter'}}` -> that purpose (also through the template's layout). The dispatcher creates exactly
// those links for the receivable, so a rent reminder does not mint a meter-reading token.
import type { BundleTemplate, ConfigBundle } from '../bundle/types.js';

export const LINK_PURPOSES = ['payment', 'contact', 'meter'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

const HELPER_CALL = /\{\{\s*(?:link|qr)\s+(?:'([a-z-]+)'|"([a-z-]+)")/g;
const PAYMENT = /\{\{\s*paymentLink\b|\{\{\s*qr\s*\}\}|links\.payment/;

function sourcesOf(t: BundleTemplate): string[] {
  return Object.values(t.spec.locales).flatMap((p) => [
    ...[p.subject, p.html, p.text, p.sms, p.voice, p.body].filter((s): s is string => typeof s === 'string'),
    ...(p.letter ? [p.letter.subject ?? '', ...(p.letter.blocks ?? [])] : []),
  ]);
}

/** Per bundle (bundles are immutable once compiled), per template: the sources are scanned once. */
const known = new WeakMap<ConfigBundle, Map<string, readonly LinkPurpose[]>>();

export function linkPurposesOf(bundle: ConfigBundle, templateName: string): readonly LinkPurpose[] {
  let ofBundle = known.get(bundle);
  if (!ofBundle) {
    ofBundle = new Map();
    known.set(bundle, ofBundle);
  }
  let purposes = ofBundle.get(templateName);
  if (!purposes) {
    purposes = Object.freeze(scan(bundle, templateName));
    ofBundle.set(templateName, purposes);
  }
  return purposes;
}

function scan(bundle: ConfigBundle, templateName: string): LinkPurpose[] {
  const template = bundle.templates[templateName];
  if (!template) return [];
  const layout = template.spec.layout ? bundle.templates[template.spec.layout] : undefined;
  const found = new Set<string>();
  for (const source of [...sourcesOf(template), ...(layout ? sourcesOf(layout) : [])]) {
    if (PAYMENT.test(source)) found.add('payment');
    for (const m of source.matchAll(HELPER_CALL)) found.add(m[1] ?? m[2] ?? '');
    for (const purpose of LINK_PURPOSES) if (source.includes(`links.${purpose}`)) found.add(purpose);
  }
  return LINK_PURPOSES.filter((p) => found.has(p));
}

/** The path of a personal link: payment pages under /p/, forms under /f/. */
export const linkPath = (purpose: string, token: string) =>
  `${purpose === 'payment' ? '/p/' : '/f/'}${token}`;
