import { graphileWorkerPeer } from './graphile-worker-peer.js';
import type { Peer } from './peer.js';
import { pgBossPeer } from './pg-boss-peer.js';
import { skipLockedPeer } from './skip-locked-peer.js';

/** The peers the bench measures, in the order it runs and prints them. */
export const PEERS: readonly Peer[] = [graphileWorkerPeer, pgBossPeer, skipLockedPeer];
