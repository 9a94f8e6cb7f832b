// `helm test`: post one receivable to the runtime and wait for its message.sent on the event feed.
// Runs on the runtime image's node, no dependencies. Reads OST_URL, OST_API_KEY, OST_TIMEOUT_SECONDS
// and the receivable (JSON) at OST_RECEIVABLE_FILE; its externalId gets a unique suffix per run.
// Exits 0 when the message was sent, 1 (with the reason on stderr) otherwise.
import { readFileSync } from 'node:fs';

const base = process.env.OST_URL?.replace(/\/+$/, '');
const key = process.env.OST_API_KEY;
const timeoutMs = Number(process.env.OST_TIMEOUT_SECONDS ?? '120') * 1000;
if (!base || !key) {
  console.error('OST_URL and OST_API_KEY are required');
  process.exit(1);
}
const deadline = Date.now() + timeoutMs;
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

async function call(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now()))),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

const feed = (after) => call('GET', `/v1/events?type=message.sent&limit=1000&after=${encodeURIComponent(after)}`);

async function main() {
  // The end of the feed before posting, so only this run's message counts.
  let cursor = '0';
  for (;;) {
    const page = await feed(cursor);
    cursor = page.next;
    if (page.events.length === 0) break;
    if (Date.now() >= deadline) throw new Error(`the event feed did not end within ${timeoutMs / 1000}s`);
  }
  const receivable = JSON.parse(readFileSync(process.env.OST_RECEIVABLE_FILE, 'utf8'));
  const externalId = `${receivable.externalId}-${Date.now().toString(36)}`;
  const posted = await call('POST', '/v1/receivables', { ...receivable, externalId });
  console.log(`posted ${externalId}: ${posted.status}`);
  while (Date.now() < deadline) {
    const page = await feed(cursor);
    cursor = page.next;
    const sent = page.events.find((e) => e.externalId === externalId);
    if (sent) {
      console.log(`message.sent for ${externalId} (${sent.data?.channel ?? 'channel unknown'})`);
      return;
    }
    if (page.events.length === 0) await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error(`no message.sent for ${externalId} within ${timeoutMs / 1000}s`);
}

main().catch((error) => {
  console.error(`helm test failed: ${error.message}`);
  process.exit(1);
});
