// Letters go only to a print provider whose SSH host key is pinned in the Channel: without a fingerprint,
// or with a host that shows another key, nothing is uploaded — not even the credentials are sent — and the
// error names the field and the command that prints the fingerprint. A server that never completes the
// handshake is given up after the ready timeout, one that hangs mid-upload after the upload deadline.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFiles } from '../../runtime/channels/sftp-upload.js';
import { startSftpServer, type TestSftpServer } from '../support/sftp-server.js';

const TIMEOUTS = { readyMs: 1_500, uploadMs: 10_000 };
const FILES = [{ name: 'letter-00001.pdf', body: Buffer.from('%PDF-1.7 test letter') }];

describe('SFTP host keys and handshake deadline', () => {
  let sftp: TestSftpServer;
  beforeAll(async () => {
    sftp = await startSftpServer();
  });
  afterAll(async () => {
    await sftp?.stop();
  });

  const target = (hostKeySha256: string | undefined) => ({
    host: '127.0.0.1',
    port: sftp.port,
    username: sftp.username,
    password: sftp.password,
    hostKeySha256,
    what: 'Channel woonstad-noord/letter',
  });

  it('a letter channel without hostKeySha256 uploads nothing and says how to get the fingerprint', async () => {
    const upload = uploadFiles(target(undefined), '/inbox', FILES, TIMEOUTS);
    await expect(upload).rejects.toMatchObject({ code: 'OST_ERR_SFTP_HOST_KEY' });
    const message = await upload.catch((err: Error) => err.message);
    expect(message).toContain('Channel woonstad-noord/letter: spec.sftp.hostKeySha256 is not set');
    expect(message).toContain(`ssh-keyscan -p ${sftp.port} 127.0.0.1 | ssh-keygen -lf -`);
    expect(sftp.connections).toBe(0);
    expect(sftp.files('/inbox')).toEqual([]);
  });

  it('a host that shows another key than the pinned one gets nothing, and the error names both fingerprints', async () => {
    const wrong = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const upload = uploadFiles(target(`SHA256:${wrong}`), '/inbox', FILES, TIMEOUTS);
    await expect(upload).rejects.toMatchObject({ code: 'OST_ERR_SFTP_HOST_KEY' });
    const message = await upload.catch((err: Error) => err.message);
    expect(message).toContain(`is SHA256:${sftp.hostKeySha256}, not the pinned SHA256:${wrong}`);
    expect(sftp.files('/inbox')).toEqual([]);
  });

  it('with the pinned key the batch is uploaded', async () => {
    await uploadFiles(target(sftp.hostKeySha256), '/inbox', FILES, TIMEOUTS);
    expect(sftp.files('/inbox')).toEqual(['letter-00001.pdf']);
  });

  it('a server that accepts the connection and never speaks SSH is given up after the ready timeout', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      await expect(
        uploadFiles(
          { ...target(sftp.hostKeySha256), port: (silent.address() as { port: number }).port },
          '/inbox',
          FILES,
          TIMEOUTS,
        ),
      ).rejects.toThrow(/handshake/i);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(TIMEOUTS.readyMs - 100);
      expect(took).toBeLessThan(TIMEOUTS.readyMs + 2_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a provider that hangs in the middle of an upload is given up at the upload deadline, its connection closed', async () => {
    sftp.stall = true;
    try {
      const started = Date.now();
      await expect(
        uploadFiles(target(sftp.hostKeySha256), '/stalled', FILES, { readyMs: 5_000, uploadMs: 2_000 }),
      ).rejects.toThrow('the upload did not finish within 2000 ms (OST_SFTP_UPLOAD_TIMEOUT_MS)');
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(sftp.files('/stalled')).toEqual([]);
    } finally {
      sftp.stall = false;
    }
  });
});
