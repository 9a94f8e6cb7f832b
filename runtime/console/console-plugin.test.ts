import { describe, expect, it } from 'vitest';
import { withoutRemoteImages } from './message-routes.js';

describe('withoutRemoteImages', () => {
  it('keeps remote images from loading, and data images and the rest of the mail as they were', () => {
    const mail =
      '<p>Betaal</p><img alt="" src="https://betalen.example/t/o/abc"><IMG width=1 SRC=https://x.example/a.gif>' +
      '<img src="data:image/png;base64,AAAA" alt="logo"><a href="https://x.example">link</a>';
    expect(withoutRemoteImages(mail)).toBe(
      '<p>Betaal</p><img alt="" data-remote-src="https://betalen.example/t/o/abc"><IMG width=1 data-remote-src=https://x.example/a.gif>' +
        '<img src="data:image/png;base64,AAAA" alt="logo"><a href="https://x.example">link</a>',
    );
  });
});
