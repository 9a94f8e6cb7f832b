// Checks of a Channel beyond its schema. A letter channel must pin the print provider's SSH host key: the
// runtime never uploads letters (names, addresses, amounts) to a host it cannot tell from an impostor.
import type { Resource } from '../../core/resources/kinds.js';
import type { Diagnostics } from './diagnostics.js';

/** A SHA-256 fingerprint as `ssh-keygen -lf` prints it: 43 base64 characters, `SHA256:` optional. */
const FINGERPRINT = /^(SHA256:)?[A-Za-z0-9+/]{43}=?$/;

export function checkChannel(channel: Resource<'Channel'>, diagnostics: Diagnostics): void {
  const sftp = channel.spec.sftp;
  if (channel.spec.provider !== 'sftp-print' || !sftp) return;
  const field = 'spec.sftp.hostKeySha256';
  const fingerprint = sftp.hostKeySha256?.trim();
  const port = sftp.port ?? 22;
  if (!fingerprint) {
    diagnostics.add(channel, field, 'OST_ERR_SFTP_HOST_KEY', [
      `${field} is not set; letters are only uploaded to a print provider whose host key is pinned`,
      port,
      sftp.host,
    ]);
  } else if (!FINGERPRINT.test(fingerprint)) {
    diagnostics.add(channel, field, 'OST_ERR_SFTP_HOST_KEY', [
      `${field} "${fingerprint}" is not a SHA-256 fingerprint (43 base64 characters)`,
      port,
      sftp.host,
    ]);
  }
}
