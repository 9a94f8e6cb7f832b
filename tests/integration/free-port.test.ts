// The ports tests hand to the servers they start: one process never gets the same port twice, even when
// it asks again before binding the first (a runtime's PORT and METRICS_PORT once came out equal).
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';

describe('freePort', () => {
  it('hands out 300 distinct ports, none bound, all in 20000–31999, when asked in a row without binding', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 300; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(300);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_000);
    }
  });

  it('never hands out a port a server already listens on (a tenth of the range taken)', async () => {
    const servers = [];
    for (let port = 20_000; port < 32_000; port += 10) {
      const server = createServer();
      const bound = await new Promise<boolean>((ok) => {
        server.once('error', () => ok(false));
        server.listen(port, '127.0.0.1', () => ok(true));
      });
      if (bound) servers.push(server);
    }
    const taken = new Set(servers.map((s) => (s.address() as { port: number }).port));
    expect(taken.size).toBeGreaterThan(1_000);
    try {
      for (let i = 0; i < 200; i++) expect(taken.has(await freePort())).toBe(false);
    } finally {
      await Promise.all(servers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
    }
  });
});
