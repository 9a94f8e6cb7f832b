import { type ReceivedMail, startSmtpSink as startSink } from '../../scripts/street/smtp-sink.js';

export type { ReceivedMail };

export interface TestSmtpSink {
  port: number;
  /** Every message received so far, in arrival order. */
  messages: ReceivedMail[];
  /** Resolves with the first `n` messages once that many arrived. */
  waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

/** An SMTP server on a free loopback port that keeps what it receives for assertions. */
export async function startSmtpSink(): Promise<TestSmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const sink = await startSink({
    onMessage(mail) {
      messages.push(mail);
      for (const wake of waiters) wake();
    },
  });

  function waitForMessages(n: number, timeoutMs = 5_000): Promise<ReceivedMail[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (messages.length < n) return;
        finish();
        resolve(messages.slice(0, n));
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(`SMTP sink received ${messages.length} of ${n} expected messages in ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  return { port: sink.port, messages, waitForMessages, stop: sink.stop };
}
