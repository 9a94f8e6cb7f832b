import { describe, expect, it } from 'vitest';
import { trackHtml } from './track-html.js';
import { verifyTrackingToken } from './tracking-token.js';

const options = {
  messageId: '5b0e2c1a-9f3d-4e8b-a1c2-3d4e5f607182',
  secret: 's',
  baseUrl: 'https://betalen.example',
  expiresAt: new Date('2030-01-01T00:00:00Z'),
};

describe('trackHtml', () => {
  it('routes every http(s) link through a signed redirect and adds the pixel before </body>', () => {
    const html =
      '<html><body><a class="b" href="https://pay.example/p/x?a=1&amp;b=2">Betaal</a> ' +
      '<a href=\'http://www.example/\'>site</a> <a href="mailto:huur@example">mail</a> <a href="tel:0501234">bel</a></body></html>';
    const out = trackHtml(html, options);
    const links = [...out.matchAll(/href=["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(links.slice(2)).toEqual(['mailto:huur@example', 'tel:0501234']);
    const targets = links.slice(0, 2).map((l) => {
      expect(l).toMatch(/^https:\/\/betalen\.example\/t\/c\/[A-Za-z0-9_-]+$/);
      return verifyTrackingToken('s', l.split('/t/c/')[1]!, 'click', new Date())?.target;
    });
    expect(targets).toEqual(['https://pay.example/p/x?a=1&b=2', 'http://www.example/']);
    expect(out).toMatch(
      /<img src="https:\/\/betalen\.example\/t\/o\/[A-Za-z0-9_-]+" width="1" height="1"[^>]*><\/body><\/html>$/,
    );
  });

  it('appends the pixel to a fragment without a body', () => {
    expect(trackHtml('<p>hoi</p>', options)).toMatch(
      /^<p>hoi<\/p><img src="https:\/\/betalen\.example\/t\/o\//,
    );
  });
});
