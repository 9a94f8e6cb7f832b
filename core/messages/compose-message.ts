// Turns a bundle's template and one receivable into the exact content of a message, in the debtor's
// locale (falling back to the template's default), wrapped in the corporation's layout. Pure; shared by
// the runtime's dispatcher and the CLI's render and simulate commands.
import type { BundleTemplate, ConfigBundle } from '../bundle/types.js';
import type { DossierView } from '../cases/index.js';
import { createError } from '../errors/index.js';
import type { ReceivableInput } from '../receivable/index.js';
import {
  createRenderer,
  isLocale,
  type Locale,
  type PartName,
  type RenderContext,
  type Renderer,
  type TemplateParts,
} from '../render/index.js';
import { arrangementContext } from './arrangement-context.js';
import { type CollectionsState, dossierWithCosts, noticeContext } from './notice-context.js';

export interface ComposeInput {
  bundle: ConfigBundle;
  template: string;
  receivable: ReceivableInput & { balance: number; currency: string };
  links: Record<string, string>;
  now: Date;
  case?: { id: string; classification: string; flow: string; stepsSent: number };
  /** The dossier's total and open items; without it, the receivable alone (one item). */
  dossier?: DossierView;
  alert?: { action: string; actionLabel: string; note?: string; caseUrl?: string; taskUrl?: string };
  /** The case's 14-day letter and cost lines (notice-context.ts), its arrangement (arrangement-context.ts). */
  collections?: CollectionsState;
}

export interface ComposedMessage {
  template: string;
  channelType: string;
  locale: Locale;
  subject?: string;
  html?: string;
  text?: string;
  sms?: string;
  voice?: string;
  letter?: { subject: string; blocks: string[] };
}

const renderers = new WeakMap<ConfigBundle, Renderer>();

const layoutName = (layout: string, locale: string, part: string) => `${layout}:${locale}:${part}`;

function rendererFor(bundle: ConfigBundle): Renderer {
  let renderer = renderers.get(bundle);
  if (renderer) return renderer;
  const layouts: Record<string, string> = {};
  const partials: Record<string, string> = {};
  for (const t of Object.values(bundle.templates)) {
    for (const [locale, parts] of Object.entries(t.spec.locales)) {
      if (t.spec.role === 'layout') {
        for (const part of ['html', 'text'] as const) {
          const source = parts[part];
          if (source) layouts[layoutName(t.name, locale, part)] = source;
        }
      } else if (t.spec.role === 'partial' && parts.body && locale === t.spec.defaultLocale) {
        partials[t.name] = parts.body;
      }
    }
  }
  renderer = createRenderer({ layouts, partials });
  renderers.set(bundle, renderer);
  return renderer;
}

function pickLocaleOf(t: BundleTemplate, wanted: string | undefined, corporationLocale: Locale): Locale {
  const available = Object.keys(t.spec.locales);
  for (const candidate of [wanted, corporationLocale, t.spec.defaultLocale, available[0]]) {
    if (candidate && available.includes(candidate) && isLocale(candidate)) return candidate;
  }
  return 'nl';
}

export function renderContext(input: ComposeInput, locale: Locale): RenderContext {
  const { bundle, receivable } = input;
  const c = bundle.corporation;
  return {
    locale,
    timezone: c.timezone,
    now: input.now.toISOString(),
    corporation: {
      name: c.displayName,
      displayName: c.displayName,
      branding: { primaryColor: '#1f4e79', ...c.branding },
      contact: c.contact,
      sender: c.sender,
      ...(c.replyTo ? { replyTo: c.replyTo } : {}),
      ...(c.paymentHost ? { paymentHost: c.paymentHost } : {}),
      // Early signalling is on (an agreement with the municipality): letters offer it (early-signal-offer).
      earlySignal: c.earlySignal?.enabled === true,
    },
    debtor: { ...receivable.debtor },
    receivable: { ...receivable, debtor: undefined, paymentHistory: undefined },
    links: input.links,
    dossier: dossierWithCosts(input.dossier ?? singleItem(receivable), input.collections),
    ...withNotice(input.collections, locale, c.timezone),
    ...withArrangement(input, locale),
    vars: receivable.vars ?? {},
    ...(input.case ? { case: input.case } : {}),
    ...(input.alert ? { alert: input.alert } : {}),
  };
}

function withArrangement(input: ComposeInput, locale: Locale) {
  const arrangement = arrangementContext(input.collections?.arrangement, {
    now: input.now,
    locale,
    timezone: input.bundle.corporation.timezone,
    currency: input.receivable.currency,
  });
  return arrangement ? { arrangement } : {};
}

function withNotice(collections: CollectionsState | undefined, locale: Locale, timezone: string) {
  const notice = noticeContext(collections?.notice, locale, timezone);
  return notice ? { notice } : {};
}

/** A receivable-scope case is a dossier of one item. */
function singleItem(r: ComposeInput['receivable']): DossierView {
  const open = r.balance > 0;
  return {
    total: open ? r.balance : 0,
    count: open ? 1 : 0,
    currency: r.currency,
    items: open
      ? [
          {
            externalId: r.externalId,
            ...(r.description !== undefined ? { description: r.description } : {}),
            dueDate: r.dueDate,
            amount: r.amount,
            balance: r.balance,
          },
        ]
      : [],
  };
}

export function composeMessage(input: ComposeInput): ComposedMessage {
  const t = input.bundle.templates[input.template];
  if (!t || (t.spec.role ?? 'message') !== 'message' || !t.spec.channel) {
    throw createError('OST_ERR_CONFIG', [
      `template "${input.template}" is not a message template in bundle ${input.bundle.revision}`,
      'check the flow and template names',
    ]);
  }
  const locale = pickLocaleOf(t, input.receivable.debtor.locale, input.bundle.corporation.locale);
  const parts = t.spec.locales[locale] as TemplateParts & {
    letter?: { subject?: string; blocks?: string[] };
  };
  const context = renderContext(input, locale);
  const renderer = rendererFor(input.bundle);
  const render = (part: PartName, source: string | undefined, layout?: string) =>
    source === undefined
      ? undefined
      : renderer.render(
          {
            template: t.name,
            part,
            source,
            locale,
            ...(layout ? { layout: layoutName(layout, locale, part) } : {}),
          },
          context,
        );
  const layoutFor = (part: 'html' | 'text') => {
    const layout = t.spec.layout ? input.bundle.templates[t.spec.layout] : undefined;
    return layout?.spec.locales[locale]?.[part] ? t.spec.layout : undefined;
  };
  const message: ComposedMessage = { template: t.name, channelType: t.spec.channel, locale };
  const subject = render('subject', parts.subject);
  const html = render('html', parts.html, layoutFor('html'));
  const text = render('text', parts.text, layoutFor('text'));
  const sms = render('sms', parts.sms);
  const voice = render('voice', parts.voice);
  if (subject !== undefined) message.subject = subject.trim();
  if (html !== undefined) message.html = html;
  if (text !== undefined) message.text = text;
  if (sms !== undefined) message.sms = sms.trim();
  if (voice !== undefined) message.voice = voice.trim();
  if (parts.letter) {
    message.letter = {
      subject: render('letter', parts.letter.subject ?? '') ?? '',
      blocks: (parts.letter.blocks ?? []).map((b) => render('letter', b) ?? ''),
    };
  }
  return message;
}
