// Group commit for writes that many concurrent callers make one at a time: `add` queues an item and
// resolves once the transaction that wrote it committed. While one group is being written the next one
// gathers, so under load N callers share one round of statements and one fsync, and a lone caller waits
// for nobody (its group is written at once). A group that fails rejects each of its callers; they retry
// or give up as they would have alone. One group is written at a time.
export class WriteGroup<T> {
  private queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    /** At most this many items per group. */
    private readonly max = 64,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.max);
        try {
          await this.write(group.map((g) => g.item));
          for (const g of group) g.resolve();
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
