// A task run every `intervalMs`, never two at once: a pass still running when the next tick comes is not
// started again. stop() waits for the running pass. The timer does not keep the process alive.
import type { Logger } from './log.js';

export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly log: Logger,
    /** What the log says when a pass fails, e.g. 'print return pass failed'. */
    private readonly failure: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.pass()
        .catch((err: unknown) => this.log.error({ err }, this.failure))
        .finally(() => {
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
