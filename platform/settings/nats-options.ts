// How the runtime and the operator log in to NATS, from the environment (the Helm chart renders exactly
// these names): NATS_USER + NATS_PASSWORD, or NATS_NKEY_SEED_FILE, or NATS_CREDS_FILE; TLS with
// NATS_TLS_CA_FILE, mutual TLS with NATS_TLS_CERT_FILE + NATS_TLS_KEY_FILE. nats.js does the rest with
// its own authenticators. A file is checked here, at start, so a missing Secret is one clear line; the
// seed and creds files are read again on every (re)connect, so a rotated Secret is picked up.
import { readFileSync } from 'node:fs';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  nkeys,
  usernamePasswordAuthenticator,
} from '@nats-io/transport-node';
import { createError } from '../../core/errors/index.js';
import type { NatsSecurity } from '../bus/index.js';

type Env = NodeJS.ProcessEnv;

const LOGINS = ['NATS_USER', 'NATS_NKEY_SEED_FILE', 'NATS_CREDS_FILE'] as const;

const configError = (problem: string, hint: string) => createError('OST_ERR_CONFIG', [problem, hint]);

/** The file named by `name`, or a config error that names the variable. */
function readNamedFile(env: Env, name: string): Buffer {
  const path = env[name]!;
  try {
    return readFileSync(path);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw configError(
      `${name}=${path} cannot be read (${why})`,
      `mount the Secret at that path or fix ${name}`,
    );
  }
}

/** Reads the file again on each connect; if it has gone meanwhile, the last good content is used. */
function rereading(path: string, first: Buffer): () => Uint8Array {
  let last: Uint8Array = first;
  return () => {
    try {
      last = readFileSync(path);
    } catch {
      // keep the last good content: a Secret being rotated may be absent for a moment
    }
    return last;
  };
}

function checkSeed(env: Env, content: Buffer): void {
  const seed = content.toString('utf8').trim();
  let ok = seed.startsWith('SU');
  if (ok) {
    try {
      nkeys.fromSeed(new TextEncoder().encode(seed));
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw configError(
      `NATS_NKEY_SEED_FILE=${env.NATS_NKEY_SEED_FILE} does not hold a user NKEY seed (one line starting with SU)`,
      'put the user seed from `nk -gen user` (or your NATS operator) in the Secret',
    );
  }
}

function checkCreds(env: Env, content: Buffer): void {
  const text = content.toString('utf8');
  if (!/-----BEGIN NATS USER JWT-----/.test(text) || !/-----BEGIN USER NKEY SEED-----/.test(text)) {
    throw configError(
      `NATS_CREDS_FILE=${env.NATS_CREDS_FILE} is not a NATS .creds file (a user JWT and an NKEY seed)`,
      'use the file `nsc generate creds` writes for the user',
    );
  }
}

function login(env: Env): Pick<NatsSecurity, 'authenticator' | 'loginFrom'> {
  const set = LOGINS.filter((name) => env[name]);
  if (env.NATS_PASSWORD && !env.NATS_USER) {
    throw configError('NATS_PASSWORD is set but NATS_USER is not', 'set both, or neither');
  }
  if (set.length > 1) {
    throw configError(
      `${set.join(' and ')} are all set: NATS takes one login`,
      'keep one of NATS_USER + NATS_PASSWORD, NATS_NKEY_SEED_FILE and NATS_CREDS_FILE',
    );
  }
  if (env.NATS_USER) {
    if (!env.NATS_PASSWORD)
      throw configError('NATS_USER is set but NATS_PASSWORD is not', 'set both, or neither');
    return {
      authenticator: usernamePasswordAuthenticator(env.NATS_USER, env.NATS_PASSWORD),
      loginFrom: 'NATS_USER and NATS_PASSWORD',
    };
  }
  if (env.NATS_NKEY_SEED_FILE) {
    const content = readNamedFile(env, 'NATS_NKEY_SEED_FILE');
    checkSeed(env, content);
    const seed = rereading(env.NATS_NKEY_SEED_FILE, content);
    const trimmed = () => new TextEncoder().encode(new TextDecoder().decode(seed()).trim());
    return { authenticator: nkeyAuthenticator(trimmed), loginFrom: 'NATS_NKEY_SEED_FILE' };
  }
  if (env.NATS_CREDS_FILE) {
    const content = readNamedFile(env, 'NATS_CREDS_FILE');
    checkCreds(env, content);
    return {
      authenticator: credsAuthenticator(rereading(env.NATS_CREDS_FILE, content)),
      loginFrom: 'NATS_CREDS_FILE',
    };
  }
  return {};
}

function tls(env: Env): NatsSecurity['tls'] {
  const { NATS_TLS_CA_FILE: caFile, NATS_TLS_CERT_FILE: certFile, NATS_TLS_KEY_FILE: keyFile } = env;
  if (Boolean(certFile) !== Boolean(keyFile)) {
    const [given, missing] = certFile
      ? ['NATS_TLS_CERT_FILE', 'NATS_TLS_KEY_FILE']
      : ['NATS_TLS_KEY_FILE', 'NATS_TLS_CERT_FILE'];
    throw configError(`${given} is set but ${missing} is not`, 'a client certificate needs both files');
  }
  if (!caFile && !certFile) return undefined;
  for (const name of ['NATS_TLS_CA_FILE', 'NATS_TLS_CERT_FILE', 'NATS_TLS_KEY_FILE']) {
    if (env[name]) readNamedFile(env, name);
  }
  return { ...(caFile ? { caFile } : {}), ...(certFile && keyFile ? { certFile, keyFile } : {}) };
}

/** The login and TLS the process uses for NATS, from the environment; throws OST_ERR_CONFIG naming the variable. */
export function natsOptionsFromEnv(env: Env = process.env): NatsSecurity {
  const security: NatsSecurity = { ...login(env) };
  const t = tls(env);
  if (t) security.tls = t;
  return security;
}
