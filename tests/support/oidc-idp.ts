// A real OpenID Connect provider for the console suites: the `oidc-provider` package on loopback, with
// a few staff users and their groups, and a sign-in page where the test picks who signs in (the
// provider's own consent is granted for the console's client). Authorization code flow only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';

export interface IdpUser {
  sub: string;
  name: string;
  groups: string[];
}

export interface IdpClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface TestIdp {
  issuer: string;
  stop(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

export async function startIdp(port: number, users: IdpUser[], clients: IdpClient[]): Promise<TestIdp> {
  const issuer = `http://127.0.0.1:${port}`;
  const byId = new Map(users.map((u) => [u.sub, u]));
  const configuration: Configuration = {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    cookies: { keys: ['console-test-idp-cookie-key-0123456789'] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const user = byId.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: () => ({ sub, name: user.name, groups: user.groups }) };
    },
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid profile email groups');
      grant.addOIDCClaims(['name', 'groups']);
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const interaction = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    if (!interaction) return void callback(req, res);
    void (async () => {
      try {
        await provider.interactionDetails(req, res);
        if (req.method === 'POST') {
          const form = await readForm(req);
          const sub = form.get('user') ?? '';
          if (!byId.has(sub)) throw new Error('unknown user');
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: sub } },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(`<!doctype html><html lang="en"><head><title>Test IdP</title></head><body><main>
<h1>Sign in</h1><form method="post" action="${url.pathname}"><label for="user">User</label>
<select id="user" name="user">${users.map((u) => `<option value="${escapeHtml(u.sub)}">${escapeHtml(u.name)}</option>`).join('')}</select>
<button type="submit" id="signin">Sign in</button></form></main></body></html>`);
      } catch (err) {
        res.statusCode = 400;
        res.end(String((err as Error).message));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
