import type { ConfigBundle } from '../bundle/types.js';
import { quietHoursEnd } from '../calendar/index.js';

/**
 * When a send on `channel` asked for at `t` may go out: `t`, or the end of the channel's quiet hours
 * (e.g. no SMS at night). The runtime's dispatcher and the simulator both ask this.
 */
export function channelQuietUntil(
  bundle: ConfigBundle,
  channel: string | undefined,
  t: Date,
): Date | undefined {
  const quiet = channel ? bundle.channels[channel]?.spec.quietHours : undefined;
  return quiet ? quietHoursEnd(t, quiet, bundle.corporation.timezone) : undefined;
}
