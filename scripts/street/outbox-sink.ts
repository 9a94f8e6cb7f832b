// The local street's mail sink: a real SMTP server on loopback that writes every mail as an .eml file
// to .street/outbox and prints one line per mail, so a newcomer sees what the street sent.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSmtpSink } from '../../runtime/dev/smtp-sink.js';

const PORT = Number(process.env.STREET_SMTP_PORT ?? 2525);

function header(raw: string, name: string): string {
  const m = new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(raw);
  return m ? m[1]!.replace(/\r?\n[ \t]/g, ' ') : '';
}

function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s?/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text
            .replace(/_/g, ' ')
            .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

export async function startOutboxSink(stateDir: string, print: (line: string) => void) {
  const outbox = join(stateDir, 'outbox');
  mkdirSync(outbox, { recursive: true });
  let n = 0;
  const sink = await startSmtpSink({
    host: '127.0.0.1',
    port: PORT,
    onMessage: (mail) => {
      const corporation = header(mail.raw, 'X-Outputstraat-Corporation') || 'unknown';
      const file = join(
        outbox,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${corporation}-${++n}.eml`,
      );
      writeFileSync(file, mail.raw);
      print(`mail  ${corporation}  "${decodeWords(header(mail.raw, 'Subject'))}"  -> ${file}`);
    },
  });
  return { port: sink.port, outbox, stop: () => sink.stop() };
}
