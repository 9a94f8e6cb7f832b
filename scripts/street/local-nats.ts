// NATS for the local street: NATS_URL when set, else a local `nats-server` with JetStream, its store in
// .street/nats so accepted work survives a restart of the street.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../../platform/log.js';
import { packageRoot } from '../../platform/package-root.js';

const PORT = Number(process.env.STREET_NATS_PORT ?? 4322);

// A current nats-server built by scripts/tools/build-nats-server.sh wins over an older one on PATH
// (Debian ships 2.9); when neither is there and Go is, it is built (once, cached in .cache/tools).
function findNatsServer(): string | undefined {
  const built = join(packageRoot(), '.cache', 'tools', 'bin', 'nats-server');
  for (const candidate of [process.env.NATS_SERVER_BIN, built, 'nats-server', '/usr/sbin/nats-server']) {
    if (candidate && spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  const build = spawnSync('bash', [join(packageRoot(), 'scripts', 'tools', 'build-nats-server.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return build.status === 0 ? built : undefined;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until)
      throw new Error(`nats-server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function localNats(
  stateDir: string,
  log: Logger,
): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.NATS_URL) {
    log.info('using NATS_URL');
    return { url: process.env.NATS_URL, stop: async () => undefined };
  }
  const bin = findNatsServer();
  if (!bin) {
    throw new Error(
      'nats-server is not installed and could not be built: run `sudo apt-get install nats-server` (or install Go and rerun), or set NATS_URL to a NATS server with JetStream',
    );
  }
  const storeDir = join(stateDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const child: ChildProcess = spawn(bin, ['-a', '127.0.0.1', '-p', String(PORT), '-js', '-sd', storeDir], {
    stdio: 'ignore',
  });
  await waitForPort(PORT, 10_000);
  log.info({ port: PORT }, 'nats-server with JetStream running');
  return {
    url: `nats://127.0.0.1:${PORT}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
