// Uploads files to a print provider over SFTP (ssh2's client). Each file is written as `<name>.part` and
// renamed when complete, so the provider never picks up half a PDF; the manifest goes last. Uploading the
// same batch again (after a crash) replaces the files of the same names.
import { createHash } from 'node:crypto';
import { Client, type SFTPWrapper } from 'ssh2';

export interface SftpTarget {
  host: string;
  port: number;
  username: string;
  password?: string | undefined;
  privateKey?: string | undefined;
  /** Expected SHA-256 of the host key, base64 (as `ssh-keygen -lf` prints it, with or without SHA256:). */
  hostKeySha256?: string | undefined;
}

export interface UploadFile {
  name: string;
  body: Buffer;
}

const normalise = (fp: string) => fp.replace(/^SHA256:/, '').replace(/=+$/, '');

export function hostKeyFingerprint(key: Buffer): string {
  return normalise(createHash('sha256').update(key).digest('base64'));
}

function connect(target: SftpTarget): Promise<Client> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    conn.once('ready', () => resolve(conn));
    conn.once('error', reject);
    conn.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      readyTimeout: 15_000,
      ...(target.password ? { password: target.password } : {}),
      ...(target.privateKey ? { privateKey: target.privateKey } : {}),
      ...(target.hostKeySha256
        ? { hostVerifier: (key: Buffer) => hostKeyFingerprint(key) === normalise(target.hostKeySha256!) }
        : {}),
    });
  });
}

const call = <T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));

async function put(sftp: SFTPWrapper, path: string, body: Buffer): Promise<void> {
  await call<void>((cb) => sftp.writeFile(`${path}.part`, body, (err) => cb(err)));
  await call<void>((cb) => sftp.unlink(path, () => cb(null)));
  await call<void>((cb) => sftp.rename(`${path}.part`, path, (err) => cb(err)));
}

export async function uploadFiles(target: SftpTarget, directory: string, files: UploadFile[]): Promise<void> {
  const conn = await connect(target);
  try {
    const sftp = await call<SFTPWrapper>((cb) => conn.sftp((err, s) => cb(err, s)));
    const dir = directory.replace(/\/$/, '');
    // A missing folder is created; an existing one (the usual case) makes mkdir fail, which is fine.
    await call<void>((cb) => sftp.mkdir(dir, () => cb(null)));
    for (const f of files) await put(sftp, `${dir}/${f.name}`, f.body);
    sftp.end();
  } finally {
    conn.end();
  }
}
