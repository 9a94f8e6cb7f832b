// Login with OpenID Connect against the corporation's own identity provider (spec.console): the
// authorization code flow with PKCE (S256), state and nonce, through `openid-client`. The client secret
// comes from the Secret spec.console.clientSecretRef in the corporation's namespace. The user's role is
// the highest one any of their groups maps to; a user with none of the groups cannot log in.
import * as client from 'openid-client';
import type { BundleConsole } from '../../core/bundle/types.js';
import { createError } from '../../core/errors/index.js';
import { type Database, sql } from '../../platform/db/index.js';
import type { SecretLookup } from '../../platform/secrets.js';
import { type Role, stateHash } from './sessions.js';

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Discovery documents per corporation, issuer and client, fetched once and kept. */
export class IdentityProviders {
  private readonly configs = new Map<string, Promise<client.Configuration>>();

  constructor(private readonly secrets: SecretLookup) {}

  config(corporation: string, c: BundleConsole): Promise<client.Configuration> {
    const secret = this.secrets(corporation, c.clientSecretRef.name, c.clientSecretRef.key);
    if (!secret) {
      return Promise.reject(
        createError('OST_ERR_CONSOLE_LOGIN', [
          `the client secret ${c.clientSecretRef.name} is not available`,
        ]),
      );
    }
    const key = JSON.stringify([corporation, c.issuer, c.clientId, stateHash(secret).toString('hex')]);
    let found = this.configs.get(key);
    if (!found) {
      // http is accepted for an IdP on loopback only (a test or a local street), never across a network.
      const insecure = LOOPBACK.test(c.issuer);
      if (!insecure && !c.issuer.startsWith('https://')) {
        return Promise.reject(createError('OST_ERR_CONSOLE_LOGIN', ['the issuer must be an https URL']));
      }
      found = client.discovery(new URL(c.issuer), c.clientId, secret, undefined, {
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      });
      found.catch(() => this.configs.delete(key));
      this.configs.set(key, found);
    }
    return found;
  }
}

/** Starts a login: the IdP's authorization URL; state, PKCE verifier and nonce wait in console_logins. */
export async function startLogin(
  db: Database,
  config: client.Configuration,
  input: { corporation: string; scopes: string[]; redirectUri: string; returnTo: string },
): Promise<URL> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  // Abandoned logins go before a new one is kept: the table holds at most ten minutes of login starts.
  await db.query(sql.unsafe`DELETE FROM console_logins WHERE created_at < now() - interval '10 minutes'`);
  await db.query(sql.unsafe`
    INSERT INTO console_logins (state_sha256, corporation, code_verifier, nonce, return_to)
    VALUES (${sql.binary(stateHash(state))}, ${input.corporation}, ${verifier}, ${nonce}, ${input.returnTo})`);
  return client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: input.scopes.join(' '),
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
}

export interface LoggedIn {
  subject: string;
  name: string | null;
  role: Role;
  returnTo: string;
}

/** Finishes a login at the callback: the code exchanged, the ID token checked, the role found. */
export async function finishLogin(
  db: Database,
  config: client.Configuration,
  c: BundleConsole,
  corporation: string,
  callbackUrl: URL,
): Promise<LoggedIn> {
  const state = callbackUrl.searchParams.get('state') ?? '';
  // One use per state: the row goes whether the exchange below works or not.
  const pending = await db.maybeOne(sql.unsafe`
    DELETE FROM console_logins
    WHERE state_sha256 = ${sql.binary(stateHash(state))} AND corporation = ${corporation}
      AND created_at > now() - interval '10 minutes'
    RETURNING code_verifier, nonce, return_to`);
  if (!pending) throw createError('OST_ERR_CONSOLE_LOGIN', ['unknown or expired state']);
  let claims: client.IDToken | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.code_verifier as string,
      expectedState: state,
      expectedNonce: pending.nonce as string,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (err) {
    throw createError('OST_ERR_CONSOLE_LOGIN', [(err as Error).message.slice(0, 200)]);
  }
  if (!claims) throw createError('OST_ERR_CONSOLE_LOGIN', ['no ID token']);
  const role = roleOf(c, claims[c.groupsClaim]);
  if (!role) throw createError('OST_ERR_CONSOLE_LOGIN', ['none of your groups has a console role']);
  const name = typeof claims.name === 'string' ? claims.name.slice(0, 200) : null;
  return { subject: claims.sub, name, role, returnTo: pending.return_to as string };
}

/** The highest role any of the groups maps to (spec.console.roles). */
export function roleOf(c: BundleConsole, groups: unknown): Role | undefined {
  const list = Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [];
  for (const role of ['admin', 'agent', 'viewer'] as const) {
    if (c.roles[role].some((g) => list.includes(g))) return role;
  }
  return undefined;
}
