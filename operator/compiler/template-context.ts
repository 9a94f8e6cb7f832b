// The values every template may read without declaring them. Anything else must be declared in
// spec.variables (read as vars.<name>), so a typo such as `debtor.nme` fails at compile time.
const KNOWN_PATHS = [
  'locale',
  'timezone',
  'now',
  'body',
  'corporation.name',
  'corporation.displayName',
  'corporation.branding.logoUrl',
  'corporation.branding.primaryColor',
  'corporation.branding.accentColor',
  'corporation.contact.phone',
  'corporation.contact.email',
  'corporation.contact.website',
  'corporation.contact.postalAddress',
  'corporation.sender.name',
  'corporation.sender.email',
  'corporation.replyTo',
  'corporation.paymentHost',
  'corporation.earlySignal',
  'debtor.id',
  'debtor.name',
  'debtor.salutation',
  'debtor.email',
  'debtor.phone',
  'debtor.locale',
  'debtor.preferredChannel',
  'debtor.address.street',
  'debtor.address.houseNumber',
  'debtor.address.postalCode',
  'debtor.address.city',
  'debtor.address.country',
  'receivable.externalId',
  'receivable.kind',
  'receivable.amount',
  'receivable.balance',
  'receivable.currency',
  'receivable.dueDate',
  'receivable.paymentReference',
  'receivable.invoiceNumber',
  'receivable.description',
  'receivable.stornoReasonCode',
  'receivable.periodFrom',
  'receivable.periodTo',
  'links.payment',
  'links.contact',
  'links.meter',
  'links.case',
  'dossier.total',
  'dossier.principal',
  'dossier.costs',
  'notice.sentOn',
  'notice.receivedOn',
  'notice.deadline',
  'notice.costs',
  'notice.principal',
  'notice.vat',
  'arrangement.kind',
  'arrangement.terms',
  'arrangement.total',
  'arrangement.remaining',
  'arrangement.next',
  'arrangement.next.number',
  'arrangement.next.amount',
  'arrangement.next.dueOn',
  'dossier.count',
  'dossier.currency',
  'dossier.items',
  'dossier.items[]',
  'dossier.items[].externalId',
  'dossier.items[].description',
  'dossier.items[].dueDate',
  'dossier.items[].amount',
  'dossier.items[].balance',
  'case.id',
  'case.classification',
  'case.flow',
  'case.stepsSent',
  'alert.action',
  'alert.actionLabel',
  'alert.note',
  'alert.caseUrl',
  'alert.taskUrl',
  'letter.subject',
  'letter.blocks',
  'letter.blocks[]',
] as const;

const known = new Set<string>(KNOWN_PATHS);
const knownPrefixes = new Set<string>();
for (const p of KNOWN_PATHS) {
  const parts = p.split('.');
  for (let i = 1; i < parts.length; i++) knownPrefixes.add(parts.slice(0, i).join('.'));
}

/** True when a template may read `path`, given the names declared in spec.variables. */
export function isKnownTemplatePath(path: string, declared: ReadonlySet<string>): boolean {
  if (known.has(path) || knownPrefixes.has(path)) return true;
  if (path.startsWith('vars.')) {
    const name = path.slice(5).split(/[.[]/)[0] ?? '';
    return declared.has(name);
  }
  return false;
}
