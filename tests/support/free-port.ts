// A free loopback TCP port for a server a test starts (a runtime's HTTP and SMTP listeners, nats-server,
// the kube-apiserver, a browser's page server). Taken from below the kernel's ephemeral range (Linux:
// 32768–60999): a port the kernel assigns from that range, once released, can be given to any outgoing
// connection — a Postgres or NATS client of a test running beside — before the server binds it, which
// failed a CI run with EADDRINUSE. Chosen at random in 20000–31999 and checked by binding it, and never
// the same port twice in one process: a runtime's PORT and METRICS_PORT, taken one after the other before
// either is bound, once came out equal from the kernel's port 0 and failed a CI run. What is left is two
// test processes choosing the same port within moments, about one in twelve thousand.
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_000;

function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port between ${LOW} and ${HIGH} after 100 tries`);
}
