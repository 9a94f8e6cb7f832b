// QR codes for letters and pages: GET /q/<token>.svg is the code of the link's own URL (payment or
// form), served only under the same host rules as the page itself. `qrSvg` is the same drawing for
// code that embeds it elsewhere (the letter renderer).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { Database } from '../../platform/db/index.js';
import type { BundleStore } from '../bundles/index.js';
import { linkUrl } from '../dossiers/index.js';
import { findLink, notFound, siteOf } from '../web/index.js';

export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
    color: { dark: '#000000', light: '#ffffff' },
  });
}

export interface QrDeps {
  db: Database;
  bundles: BundleStore;
  publicUrl: string;
}

export function registerQrRoute(app: FastifyInstance, deps: QrDeps): void {
  app.get(
    '/q/:file',
    async (request: FastifyRequest<{ Params: { file: string; corporation?: string } }>, reply) => {
      const m = /^(.+)\.svg$/.exec(request.params.file);
      const site = siteOf(request, deps.bundles);
      if (!m || !site) return notFound(request, reply);
      const found = await findLink(deps.db, deps.bundles, site, m[1]!, ['payment', 'contact', 'meter']);
      if (!found || found.link.closed) return notFound(request, reply);
      const path = `${found.link.purpose === 'payment' ? '/p/' : '/f/'}${found.link.token}`;
      const svg = await qrSvg(linkUrl(found.bundle, deps.publicUrl, path));
      return reply
        .type('image/svg+xml')
        .header('content-security-policy', "default-src 'none'")
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'private, max-age=3600')
        .send(svg);
    },
  );
}
