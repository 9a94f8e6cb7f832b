// A task run now and then every `intervalMs` after the previous run ended (never two at once), until
// stopped; stop() waits for a run in progress. The samplers of this folder run on it.
export class Repeating {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    const run = () => {
      this.running = this.task()
        .catch(this.onError)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(run, this.intervalMs);
        });
    };
    this.timer = setTimeout(run, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
