// Carrying out a send or alert effect the way the runtime's dispatcher does
// (runtime/cases/dispatch-message.ts): the same rule for what may still go out, the same recipients,
// the same rendering through composeMessage — only the provider is left out.
import type { ConfigBundle } from '../bundle/types.js';
import { type DossierView, type ReceivableState, withholdReason } from '../cases/index.js';
import type { CaseState, Effect } from '../engine/index.js';
import { estateAddressee } from '../letters/index.js';
import { type ComposedMessage, type ComposeInput, composeMessage } from '../messages/index.js';
import type { SimAlert, SimMessage } from './types.js';

type SendEffect = Extract<Effect, { type: 'send' }>;
type AlertEffect = Extract<Effect, { type: 'alert' }>;

/** The labels the runtime gives alert actions in consultant emails. */
export const ALERT_ACTION_LABELS: Readonly<Record<string, string>> = {
  call: 'Bel de huurder',
  'home-visit': 'Plan een huisbezoek',
  'bailiff-referral': 'Draag over aan de deurwaarder',
  review: 'Beoordeel het dossier',
};

export interface DispatchContext {
  bundle: ConfigBundle;
  receivable: ReceivableState;
  /** The case after the engine's turn: sends of a stopped or paused case are held back. */
  state: CaseState;
  flow: string;
  links: Record<string, string>;
  now: Date;
  /** A debtor-scope dossier's total and items; without it, the receivable alone. */
  dossier?: DossierView;
  /** false: no rendering (replay counts contacts only). */
  render?: boolean;
}

/**
 * Why nothing may go out now, or undefined. A completed case still delivers the sends its last steps
 * asked for; a stopped or paused one does not; a paid receivable gets nothing.
 */
export function withheldBecause(
  ctx: DispatchContext,
  aboutEnd = false,
  duringPause = false,
): string | undefined {
  return withholdReason(
    ctx.state.status,
    ctx.receivable.status,
    ctx.bundle.corporation.paused,
    aboutEnd,
    duringPause,
  );
}

/** Where a message of this channel type goes for the receivable's debtor. */
export function recipientOf(channelType: string, r: ReceivableState): string | undefined {
  const d = r.input.debtor;
  if (channelType === 'email') return d.email;
  if (channelType === 'sms' || channelType === 'voice') return d.phone;
  if (channelType === 'letter')
    return d.address ? `${d.address.postalCode} ${d.address.houseNumber}` : undefined;
  return 'webhook';
}

function composeInput(ctx: DispatchContext): Omit<ComposeInput, 'template'> {
  const r = ctx.receivable;
  return {
    bundle: ctx.bundle,
    receivable: { ...r.input, balance: r.balance, currency: r.input.currency ?? 'EUR' },
    links: ctx.links,
    now: ctx.now,
    ...(ctx.dossier ? { dossier: ctx.dossier } : {}),
    collections: ctx.state,
    case: {
      id: 'simulation',
      classification: ctx.state.classification,
      flow: ctx.flow,
      stepsSent: ctx.state.messages.length,
    },
  };
}

type Rendered = { content: ComposedMessage } | { error: { code: string; message: string } };

function render(ctx: DispatchContext, build: () => ComposedMessage): Rendered | Record<string, never> {
  if (ctx.render === false) return {};
  try {
    return { content: build() };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return {
      error: {
        code: typeof code === 'string' ? code : 'OST_ERR_TEMPLATE_RENDER',
        message: err instanceof Error ? err.message : String(err),
      },
    };
  }
}

export function dispatchSend(
  ctx: DispatchContext,
  e: SendEffect,
): { message: SimMessage } | { withheld: string } {
  const withheld = withheldBecause(ctx, e.estate === true, e.duringPause === true);
  if (withheld) return { withheld };
  const channel = ctx.bundle.channels[e.channel];
  const recipient = channel ? recipientOf(channel.spec.type, ctx.receivable) : undefined;
  if (!channel || !recipient) return { withheld: `debtor has no address for channel ${e.channel}` };
  const rendered = render(ctx, () => composeMessage({ ...composeInput(ctx), template: e.template }));
  const locale = 'content' in rendered ? rendered.content.locale : ctx.bundle.corporation.locale;
  const addressee = e.estate ? estateAddressee(ctx.receivable.input.debtor.name, locale) : undefined;
  return {
    message: {
      at: ctx.now.toISOString(),
      step: e.stepId,
      messageId: e.messageId,
      channel: e.channel,
      channelType: channel.spec.type,
      template: e.template,
      reason: e.reason,
      alsoVia: e.alsoVia,
      registered: e.registered,
      recipient,
      ...(addressee ? { addressee } : {}),
      ...rendered,
    },
  };
}

export function dispatchAlert(
  ctx: DispatchContext,
  e: AlertEffect,
): { alert: SimAlert } | { withheld: string } {
  const withheld = withheldBecause(ctx, e.aboutEnd === true);
  if (withheld) return { withheld };
  const recipients = ctx.bundle.corporation.alerts
    .filter((a) => !a.actions || a.actions.length === 0 || a.actions.includes(e.action as never))
    .map((a) => a.email);
  if (recipients.length === 0) return { withheld: 'the corporation has no alert recipients for this action' };
  const rendered = render(ctx, () =>
    composeMessage({
      ...composeInput(ctx),
      template: e.template,
      alert: {
        action: e.action,
        actionLabel: ALERT_ACTION_LABELS[e.action] ?? e.action,
        ...(e.note ? { note: e.note } : {}),
      },
    }),
  );
  const hasEmail = Object.values(ctx.bundle.channels).some((ch) => ch.spec.type === 'email');
  if (!('error' in rendered) && !hasEmail) {
    return { withheld: 'no channel for this step in the current configuration' };
  }
  return {
    alert: {
      at: ctx.now.toISOString(),
      step: e.stepId,
      action: e.action,
      template: e.template,
      ...(e.note ? { note: e.note } : {}),
      recipients,
      ...rendered,
    },
  };
}
