// A step timer that will send when it comes due is a contender for the budget too: at the moment a due
// step is fed to its case, the send it asks for does not exist yet, and a lower-ranked send decided at that
// same moment must not take its place. The runtime and the simulator both ask this.
import type { ConfigBundle } from '../bundle/types.js';

/** The channel type a flow step will send on when it comes due, or undefined when it is not a send. */
export function sendChannelTypeOf(
  bundle: ConfigBundle,
  flowName: string,
  stepId: string,
): string | undefined {
  const flow = bundle.flows[flowName];
  const send = flow?.steps.find((s) => s.id === stepId)?.send;
  if (!flow || !send) return undefined;
  // No fixed channel: the debtor's preference or the fallback order decides at send time; the first
  // fallback stands in for it.
  const channel = send.channel ?? flow.fallback[0];
  return channel === undefined ? 'email' : (bundle.channels[channel]?.spec.type ?? channel);
}

/** The contact class of a flow for the budget; 'reminder' when it declares none. */
export const contactClassOf = (bundle: ConfigBundle, flowName: string) =>
  bundle.flows[flowName]?.contactClass ?? 'reminder';
