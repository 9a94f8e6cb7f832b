// `npm run bench`: throughput of the street on this machine, next to the raw floors of what it is built
// on, measured in one run on the same servers:
//   floors  JetStream publish+ack (a stream like OST_INTAKE, fsync always), Postgres multi-row INSERT of
//           receivable rows, SMTP (nodemailer pooled to the local sink);
//   ours    bulk NDJSON ingest to 202, intake (stored + classified + first steps scheduled), dispatch of
//           due sends to the SMTP sink;
// then what that means for 2.4 million receivables against the 10-minute aim.
// Options: --receivables N (default 50 000), --mails N (default 5 000), --full (a measured 2.4M run),
// --json (also print the figures as one JSON line). Runtimes run as child processes, like pods.
import { parseArgs } from 'node:util';
import { floorJetStream, floorJetStreamLazyFsync, floorPostgres, floorSmtp } from './floors.js';
import {
  measureDispatch,
  measureIngest,
  measureIntake,
  type StreetUnderTest,
  startStreetUnderTest,
} from './ours.js';
import { type Figures, formatReport } from './report.js';

const { values } = parseArgs({
  options: {
    receivables: { type: 'string', default: '50000' },
    mails: { type: 'string', default: '5000' },
    full: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const receivables = values.full ? 2_400_000 : Number(values.receivables);
const mails = Number(values.mails);

const say = (text: string) => process.stderr.write(`bench: ${text}\n`);
let street: StreetUnderTest | undefined;
try {
  say(`starting nats-server (sync_interval: always), Postgres database and SMTP sink`);
  street = await startStreetUnderTest();
  say('floor: JetStream publish+ack');
  const js = await floorJetStream(street, Math.min(receivables, 50_000));
  say('for comparison: JetStream publish+ack with the default fsync every 2 minutes (scratch server)');
  const jsLazy = await floorJetStreamLazyFsync(Math.min(receivables, 50_000));
  say('floor: Postgres multi-row INSERT');
  const pg = await floorPostgres(street, Math.min(receivables, 50_000));
  say('floor: SMTP via nodemailer pool');
  const smtp = await floorSmtp(street, mails);
  say(`ours: NDJSON ingest of ${receivables} receivables`);
  const ingest = await measureIngest(street, receivables);
  say('ours: intake (stored, classified, scheduled)');
  const intake = await measureIntake(street, receivables);
  say(`ours: dispatch of ${mails} due sends`);
  const dispatch = await measureDispatch(street, mails);
  const figures: Figures = {
    receivables,
    mails,
    js,
    jsLazy,
    pg,
    smtp,
    ingest,
    intake,
    dispatch,
    full: values.full,
  };
  process.stdout.write(formatReport(figures));
  if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  await street?.stop();
}
