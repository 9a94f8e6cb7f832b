// A corporation sends mail only from the domains it declares in spec.senderDomains: its sender and
// reply-to addresses must be in one of them, and an email Channel that signs with DKIM must sign for the
// sender's domain (the same domain, or one above it that is declared too). Which corporation may declare
// a domain at all is street-claims.ts's concern.
import { type Resource, resourceId } from '../../core/resources/kinds.js';
import type { Diagnostics } from './diagnostics.js';
import type { OverlayView } from './resource-index.js';
import { tenantSpec } from './street-defaults.js';

/** The domain of an address, lower case ('' when it has none). */
export const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** `domain` is `parent` or below it. */
export const isWithin = (domain: string, parent: string) =>
  domain === parent || domain.endsWith(`.${parent}`);

/** Two domains overlap when one is the other or below it. */
export const overlaps = (a: string, b: string) => isWithin(a, b) || isWithin(b, a);

export function checkSenderDomains(
  corp: Resource<'Corporation'>,
  view: OverlayView,
  diagnostics: Diagnostics,
): void {
  const declared = corp.spec.senderDomains ?? [];
  const declares = (domain: string) => declared.some((d) => isWithin(domain, d));
  const addresses: [field: string, address: string | undefined][] = [
    ['spec.sender.email', tenantSpec(corp).sender.email],
    ['spec.replyTo', corp.spec.replyTo],
  ];
  for (const [field, address] of addresses) {
    if (address === undefined || declares(domainOf(address))) continue;
    diagnostics.add(corp, field, 'OST_ERR_SENDER_DOMAIN', [
      field,
      address,
      declared.length > 0 ? declared.join(', ') : 'none declared',
    ]);
  }
  const sender = tenantSpec(corp).sender.email;
  const senderDomain = domainOf(sender);
  for (const channel of view.list('Channel')) {
    const dkim = channel.spec.type === 'email' ? channel.spec.smtp?.dkim : undefined;
    if (!dkim) continue;
    const signs = dkim.domainName.toLowerCase();
    if (isWithin(senderDomain, signs) && declares(signs)) continue;
    // A Channel of the corporation's own is wrong where it stands; an inherited one is the corporation's
    // problem to solve (with a Channel of its own).
    const own = channel.metadata.namespace === corp.metadata.namespace;
    diagnostics.add(
      own ? channel : corp,
      own ? 'spec.smtp.dkim.domainName' : 'spec.sender.email',
      'OST_ERR_DKIM_DOMAIN',
      [
        resourceId(channel),
        dkim.domainName,
        `"${sender}"`,
        `${corp.metadata.namespace}/${corp.metadata.name}`,
      ],
    );
  }
}
