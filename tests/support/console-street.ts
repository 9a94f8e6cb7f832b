// The staff console's browser kit: a running street with corporations that have a console, a real
// OpenID Connect provider (`oidc-provider` on loopback), Chromium, and what a console test does with them:
// log in through the IdP's page, check a page with axe-core (and take its screenshots at 1280×800 and
// 390×844), collect Content-Security-Policy violations, post a form with the session's cookie as another
// site would. Used by tests/browser/console*.test.ts. UPDATE_SCREENSHOTS=1 writes to docs/screenshots/.
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
export const SHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : join(tmpdir(), 'ost-screenshots');
export const CONSOLE_SECRET = 'console-client-secret-0123456789';

export interface ConsoleCorporation {
  id: string;
  host: string;
  apiKey: string;
  name: string;
  colour: string;
}

/** A Corporation with a console (roles from the IdP groups <id>-callcentre, -collections, -admins). */
export const consoleCorporation = (c: ConsoleCorporation, issuer: string) => `
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

export interface ConsoleStreetOptions {
  corporations: ConsoleCorporation[];
  users: IdpUser[];
  /** More resources (file name → YAML) and runtime environment. */
  resources?: Record<string, string>;
  env?: Record<string, string>;
}

export async function startConsoleStreet(options: ConsoleStreetOptions) {
  mkdirSync(SHOTS, { recursive: true });
  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  const s: PagesStreet = await startPagesStreet({
    resources: {
      ...Object.fromEntries(options.corporations.map((c) => [`${c.id}.yaml`, consoleCorporation(c, issuer)])),
      ...options.resources,
    },
    env: {
      OST_TRACKING_SECRET: 'console-test-tracking-secret-0123456789',
      ...Object.fromEntries(
        options.corporations.map((c) => [
          secretEnvName(c.id, 'console-oidc', 'client-secret'),
          CONSOLE_SECRET,
        ]),
      ),
      ...options.env,
    },
  });
  const idp: TestIdp = await startIdp(
    idpPort,
    options.users,
    options.corporations.map((c) => ({
      clientId: c.id,
      clientSecret: CONSOLE_SECRET,
      redirectUris: [`${s.hostUrl(c.host)}/console/callback`],
    })),
  );
  const browser: Browser = await launchChromium(options.corporations.map((c) => c.host));
  const cspViolations: string[] = [];

  const consoleUrl = (c: ConsoleCorporation) => `${s.hostUrl(c.host)}/console`;

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

  /** axe-clean, and screenshots at 1280×800 and 390×844 (the context's size is restored afterwards). */
  async function look(context: BrowserContext, page: Page, name: string): Promise<void> {
    const size = page.viewportSize()!;
    for (const [suffix, width, height] of [
      ['', 1280, 800],
      ['-phone', 390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: join(SHOTS, `${name}${suffix}.png`) });
    }
    await page.setViewportSize(size);
    expect(await axeViolations(context, page), `axe on ${name}`).toEqual([]);
  }

  const newContext = (width = 1280, height = 800): Promise<BrowserContext> =>
    browser.newContext({ viewport: { width, height }, locale: 'nl-NL' });

  async function newPage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    await page.addInitScript(
      `document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
    );
    return page;
  }

  /** Logs in through the IdP's sign-in page as `user` and lands on `path` of the console. */
  async function login(page: Page, c: ConsoleCorporation, user: string, path = ''): Promise<void> {
    await page.goto(`${consoleUrl(c)}${path}`);
    await page.waitForURL(/\/interaction\//);
    await page.selectOption('#user', user);
    await page.click('#signin');
    await page.waitForURL((url) => url.host === `${c.host}:${s.port}` && url.pathname.startsWith('/console'));
  }

  const csrfOf = async (page: Page): Promise<string> =>
    (await page.locator('input[name=_csrf]').first().getAttribute('value'))!;

  /** The console cookie of the context, as a Cookie header. */
  const cookieOf = async (context: BrowserContext): Promise<Record<string, string>> => {
    const cookie = (await context.cookies()).find((k) => k.name === 'ost-console');
    return cookie ? { cookie: `ost-console=${cookie.value}` } : {};
  };

  /** A POST with the context's console cookie, as a page of another site (or a script) would send it. */
  async function postWithCookie(
    context: BrowserContext,
    c: ConsoleCorporation,
    path: string,
    form: Record<string, string>,
  ) {
    return requestPage(s.port, c.host, `/console${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(await cookieOf(context)) },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** A GET with the context's console cookie (a download such as a CSV export). */
  async function getWithCookie(context: BrowserContext, c: ConsoleCorporation, path: string) {
    return requestPage(s.port, c.host, `/console${path}`, { headers: await cookieOf(context) });
  }

  async function stop(): Promise<void> {
    await browser.close();
    await idp.stop();
    await s.stop();
  }

  return {
    s,
    idp,
    browser,
    cspViolations,
    consoleUrl,
    axeViolations,
    look,
    newContext,
    newPage,
    login,
    csrfOf,
    postWithCookie,
    getWithCookie,
    stop,
  };
}

export type ConsoleStreet = Awaited<ReturnType<typeof startConsoleStreet>>;
