// The local street's mail sink: a real SMTP server on loopback that writes every mail as an .eml file
// to .street/outbox and prints one line per mail, so a newcomer sees what the street sent.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mailHeader } from './mail-headers.js';
import { startSmtpSink } from './smtp-sink.js';

const PORT = Number(process.env.STREET_SMTP_PORT ?? 2525);

export async function startOutboxSink(stateDir: string, print: (line: string) => void) {
  const outbox = join(stateDir, 'outbox');
  mkdirSync(outbox, { recursive: true });
  let n = 0;
  const sink = await startSmtpSink({
    host: '127.0.0.1',
    port: PORT,
    onMessage: (mail) => {
      const corporation = mailHeader(mail.raw, 'X-Outputstraat-Corporation') || 'unknown';
      const file = join(
        outbox,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${corporation}-${++n}.eml`,
      );
      writeFileSync(file, mail.raw);
      print(`mail  ${corporation}  "${mailHeader(mail.raw, 'Subject')}"  -> ${file}`);
    },
  });
  return { port: sink.port, outbox, stop: () => sink.stop() };
}
