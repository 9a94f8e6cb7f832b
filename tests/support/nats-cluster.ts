// Three nats-servers on loopback forming one JetStream cluster, as docs/operations.md ("A NATS cluster")
// recommends for production: each with its own name and store, every write fsynced (`sync_interval:
// always`), routes to the other two. A test can SIGKILL one of them and restart it.
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort, type NatsServer, startNatsServer } from './nats-server.js';

export interface NatsCluster {
  /** The client URLs of every server, comma separated: what NATS_URL gets. */
  url: string;
  servers: NatsServer[];
  /** Server names, in the order of `servers`. */
  names: string[];
  /** The index in `servers` of the one leading a stream (its RAFT group). */
  leaderOf(stream: string): Promise<number>;
  stop(): Promise<void>;
}

const CLUSTER_NAME = 'ost-test';

export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const routePorts = await Promise.all(Array.from({ length: size }, () => freePort()));
  const names = routePorts.map((_, i) => `ost-n${i + 1}`);
  const started = await Promise.allSettled(
    routePorts.map((port, i) =>
      startNatsServer({
        serverName: names[i]!,
        cluster: { name: CLUSTER_NAME, port, routes: routePorts.filter((p) => p !== port) },
      }),
    ),
  );
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed.reason;
  }
  const url = servers.map((s) => s.url).join(',');
  try {
    await waitForJetStream(url, size);
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  return {
    url,
    servers,
    names,
    async leaderOf(stream) {
      const nc = await connect({ servers: url.split(',') });
      try {
        const info = await (await jetstreamManager(nc)).streams.info(stream);
        const index = names.indexOf(info.cluster?.leader ?? '');
        if (index < 0) throw new Error(`stream ${stream} has no leader in ${names.join(', ')}`);
        return index;
      } finally {
        await nc.close();
      }
    },
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

/**
 * Until the servers have found each other, elected a JetStream meta leader and know every peer: a stream of
 * `size` replicas can be placed (a probe stream, created and deleted). A meta leader alone is not enough: until
 * every server has joined its group, an R3 stream is refused with "no suitable peers for placement".
 */
async function waitForJetStream(url: string, size: number, timeoutMs = 30_000): Promise<void> {
  const nc = await connect({ servers: url.split(','), maxReconnectAttempts: -1 });
  const deadline = Date.now() + timeoutMs;
  const probe = 'OST_TEST_CLUSTER_PROBE';
  try {
    for (;;) {
      try {
        const jsm = await jetstreamManager(nc, { timeout: 2_000 });
        await jsm.streams.add({
          name: probe,
          subjects: [`${probe}.>`],
          num_replicas: size,
          storage: StorageType.Memory,
        });
        await jsm.streams.delete(probe);
        return;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(
            `the NATS cluster could not place a stream of ${size} replicas within ${timeoutMs} ms: ${String(err)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await nc.close();
  }
}
