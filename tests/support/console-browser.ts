// The kit of the console's browser suites: a street with corporations that have a console, a real OpenID
// Connect provider (`oidc-provider` on loopback) with staff users, headless Chromium that maps the payment
// hosts to loopback; pages checked with axe-core and watched for Content-Security-Policy violations;
// screenshots at 1280×800 and 390×844 (UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/).
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { secretEnvName } from '../../core/bundle/secret-env-name.js';
import { freePort, launchChromium, type PagesStreet, startPagesStreet } from './browser.js';
import { type IdpUser, startIdp, type TestIdp } from './oidc-idp.js';
import { requestPage } from './page-request.js';

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const SECRET = 'console-client-secret-0123456789';

export interface ConsoleCorp {
  id: string;
  host: string;
  apiKey: string;
  name: string;
  colour: string;
  /** More lines of the Corporation's spec (two spaces in), e.g. alert recipients. */
  extra?: string;
}

const corporationYaml = (c: ConsoleCorp, issuer: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: ${c.id} }
---
apiVersion: outputstraat.io/v1alpha1
kind: Corporation
metadata: { name: ${c.id}, namespace: ${c.id} }
spec:
  displayName: ${c.name}
  base: outputstraat-base
  branding: { primaryColor: '${c.colour}' }
  sender: { name: ${c.name}, email: noreply@${c.id}.example }
  senderDomains: [${c.id}.example]
  paymentHost: ${c.host}
  ingress: { apiKeySecretRef: { name: erp-api-key } }
  console:
    issuer: ${issuer}
    clientId: ${c.id}
    clientSecretRef: { name: console-oidc }
    scopes: [openid, profile, groups]
    roles: { viewer: [${c.id}-callcentre], agent: [${c.id}-collections], admin: [${c.id}-admins] }
    idleMinutes: 30
${c.extra ?? ''}
---
apiVersion: v1
kind: Secret
metadata: { name: erp-api-key, namespace: ${c.id} }
type: Opaque
stringData: { api-key: ${c.apiKey} }
`;

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

export interface ConsoleBrowser {
  s: PagesStreet;
  idp: TestIdp;
  browser: Browser;
  /** Every CSP violation any page of newPage reported. */
  cspViolations: string[];
  consoleUrl(c: ConsoleCorp): string;
  newContext(width?: number, height?: number): Promise<BrowserContext>;
  newPage(context: BrowserContext): Promise<Page>;
  /** Logs in through the IdP's sign-in page as `user`, starting at `path` of the console. */
  login(page: Page, c: ConsoleCorp, user: string, path?: string): Promise<void>;
  /** axe-clean, and screenshots at 1280×800 and 390×844 (the page's size is restored afterwards). */
  look(context: BrowserContext, page: Page, name: string): Promise<void>;
  /** A screenshot of the page as it is (docs/screenshots/<name>.png with UPDATE_SCREENSHOTS=1): its PNG bytes. */
  shot(page: Page, name: string): Promise<Buffer>;
  csrfOf(page: Page): Promise<string>;
  /** A POST with the context's console cookie, as a page of another site (or a script) would send it. */
  postWithCookie(
    context: BrowserContext,
    c: ConsoleCorp,
    path: string,
    form: Record<string, string>,
  ): ReturnType<typeof requestPage>;
  /** A GET with the context's console cookie (a download such as a CSV export or a PDF letter). */
  getWithCookie(context: BrowserContext, c: ConsoleCorp, path: string): ReturnType<typeof requestPage>;
  /** The corporation's event feed (GET /v1/events with its ERP key). */
  feed(
    c: ConsoleCorp,
  ): Promise<{ type: string; externalId: string | null; at: string; data: Record<string, unknown> }[]>;
  stop(): Promise<void>;
}

/** The staff of a corporation in the console tests: a call-centre viewer, a collections agent and an admin. */
export function staffOf(corporation: string): IdpUser[] {
  return [
    { sub: 'anna', name: 'Anna Callcentre', groups: [`${corporation}-callcentre`] },
    { sub: 'bram', name: 'Bram Collections', groups: [`${corporation}-collections`] },
    { sub: 'carla', name: 'Carla Admin', groups: [`${corporation}-admins`] },
  ];
}

export async function startConsoleBrowser(options: {
  corporations: ConsoleCorp[];
  /** Staff users; their groups are `<corporation id>-callcentre|collections|admins`. */
  users: IdpUser[];
  /** More resources for the street: file name → YAML. */
  resources?: Record<string, string>;
  env?: Record<string, string>;
}): Promise<ConsoleBrowser> {
  const shots = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : join(tmpdir(), 'ost-screenshots');
  mkdirSync(shots, { recursive: true });
  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const resources: Record<string, string> = { ...(options.resources ?? {}) };
  const env: Record<string, string> = { ...(options.env ?? {}) };
  for (const c of options.corporations) {
    resources[`${c.id}.yaml`] = corporationYaml(c, issuer);
    env[secretEnvName(c.id, 'console-oidc', 'client-secret')] = SECRET;
  }
  const s = await startPagesStreet({ resources, env });
  const idp = await startIdp(
    idpPort,
    options.users,
    options.corporations.map((c) => ({
      clientId: c.id,
      clientSecret: SECRET,
      redirectUris: [`${s.hostUrl(c.host)}/console/callback`],
    })),
  );
  const browser = await launchChromium(options.corporations.map((c) => c.host));
  const cspViolations: string[] = [];
  const consoleUrl = (c: ConsoleCorp) => `${s.hostUrl(c.host)}/console`;
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`) });
  /** The context's console cookie as a Cookie header. */
  const cookieOf = async (context: BrowserContext): Promise<Record<string, string>> => {
    const cookie = (await context.cookies()).find((k) => k.name === 'ost-console');
    return cookie ? { cookie: `ost-console=${cookie.value}` } : {};
  };

  async function axeViolations(context: BrowserContext, page: Page): Promise<AxeViolation[]> {
    const probe = await context.newPage();
    try {
      await probe.setContent(await page.content());
      await probe.addScriptTag({ content: AXE });
      return (await probe.evaluate(`axe
        .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
        .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`)) as AxeViolation[];
    } finally {
      await probe.close();
    }
  }

  return {
    s,
    idp,
    browser,
    cspViolations,
    consoleUrl,
    newContext: (width = 1280, height = 800) =>
      browser.newContext({ viewport: { width, height }, locale: 'nl-NL' }),
    async newPage(context) {
      const page = await context.newPage();
      page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
      });
      await page.addInitScript(
        `document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
      );
      return page;
    },
    async login(page, c, user, path = '') {
      await page.goto(`${consoleUrl(c)}${path}`);
      await page.waitForURL(/\/interaction\//);
      await page.selectOption('#user', user);
      await page.click('#signin');
      await page.waitForURL(
        (url) => url.host === `${c.host}:${s.port}` && url.pathname.startsWith('/console'),
      );
    },
    async look(context, page, name) {
      const size = page.viewportSize()!;
      for (const [suffix, width, height] of [
        ['', 1280, 800],
        ['-phone', 390, 844],
      ] as const) {
        await page.setViewportSize({ width, height });
        await shot(page, `${name}${suffix}`);
      }
      await page.setViewportSize(size);
      expect(await axeViolations(context, page), `axe on ${name}`).toEqual([]);
    },
    shot,
    async csrfOf(page) {
      return (await page.locator('input[name=_csrf]').first().getAttribute('value'))!;
    },
    async postWithCookie(context, c, path, form) {
      return requestPage(s.port, c.host, `/console${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(await cookieOf(context)) },
        body: new URLSearchParams(form).toString(),
      });
    },
    async getWithCookie(context, c, path) {
      return requestPage(s.port, c.host, `/console${path}`, { headers: await cookieOf(context) });
    },
    async feed(c) {
      const res = await fetch(`${s.url}/v1/events?limit=1000`, {
        headers: { authorization: `Bearer ${c.apiKey}` },
      });
      return ((await res.json()) as { events: Awaited<ReturnType<ConsoleBrowser['feed']>> }).events;
    },
    async stop() {
      await browser?.close();
      await idp?.stop();
      await s?.stop();
    },
  };
}
