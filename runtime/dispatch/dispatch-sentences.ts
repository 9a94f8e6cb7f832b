// The dispatcher's sentences in a case's timeline, in the engine's words (core/engine/text.ts) so the
// runtime and the simulator tell the same story: "sent" once the provider took the message, never before.
import type { BundleChannel } from '../../core/bundle/types.js';
import { alertSentText, dispatchLabel, type Effect, sentText } from '../../core/engine/index.js';
import type { StepRow } from '../dossiers/index.js';

/** 'Email' … or 'Alert', and the template, of a send or alert step. */
export function wordsOf(step: StepRow): { label: string; template: string } {
  const p = step.payload as { channelType?: string; template?: string };
  const label = dispatchLabel(
    step.kind === 'alert' ? { type: 'alert' } : { type: 'send', channelType: p.channelType },
  );
  return { label, template: p.template ?? step.step_id };
}

/** What the timeline says once the provider took the message. */
export function sentSentence(
  step: StepRow,
  channel: BundleChannel,
  template: string,
  recipients: readonly string[],
): string {
  if (step.kind === 'alert') {
    const alert = step.payload as unknown as Extract<Effect, { type: 'alert' }>;
    return alertSentText(template, alert.action, recipients);
  }
  const send = step.payload as unknown as Extract<Effect, { type: 'send' }>;
  return sentText({
    channelType: channel.spec.type,
    template,
    channel: channel.name,
    reason: send.reason,
    ...(send.estate ? { estate: true } : {}),
  });
}
