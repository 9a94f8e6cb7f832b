// Uploads files to a print provider over SFTP (ssh2's client). Each file is written as `<name>.part` and
// renamed when complete, so the provider never picks up half a PDF; the manifest goes last. Uploading the
// same batch again (after a crash) replaces the files of the same names.
// The host key must be pinned (hostKeySha256): without it nothing is sent, not even the credentials. The
// SSH handshake has its own deadline (readyTimeout) and the whole upload another; at either the connection
// is destroyed, so an upload given up on is over before the batch is tried again.
import { createHash } from 'node:crypto';
import { Client, type SFTPWrapper } from 'ssh2';
import { createError } from '../../core/errors/index.js';

export interface SftpTarget {
  host: string;
  port: number;
  username: string;
  password?: string | undefined;
  privateKey?: string | undefined;
  /** Expected SHA-256 of the host key, base64 (as `ssh-keygen -lf` prints it, with or without SHA256:). */
  hostKeySha256: string | undefined;
  /** Names the target in errors: `Channel <namespace>/<name>`. */
  what: string;
}

export interface SftpTimeouts {
  /** TCP, SSH handshake and authentication. */
  readyMs: number;
  /** The whole upload. */
  uploadMs: number;
}

export interface UploadFile {
  name: string;
  body: Buffer;
}

const normalise = (fp: string) =>
  fp
    .trim()
    .replace(/^SHA256:/, '')
    .replace(/=+$/, '');

export function hostKeyFingerprint(key: Buffer): string {
  return normalise(createHash('sha256').update(key).digest('base64'));
}

/** Refuses a target without a pinned host key, naming the field and how to get the fingerprint. */
function pinnedKey(target: SftpTarget): string {
  const pinned = target.hostKeySha256 ? normalise(target.hostKeySha256) : '';
  if (pinned) return pinned;
  throw createError('OST_ERR_SFTP_HOST_KEY', [
    target.what,
    'spec.sftp.hostKeySha256 is not set, so the print provider cannot be told from an impostor; no letters are uploaded',
    target.port,
    target.host,
  ]);
}

function connect(target: SftpTarget, expected: string, readyMs: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let seen: string | undefined;
    let settled = false;
    conn.once('ready', () => {
      settled = true;
      resolve(conn);
    });
    // Kept for the connection's life: a late error (the connection lost mid-upload) fails the SFTP calls
    // in progress, and must not go unhandled.
    conn.on('error', (err: Error) => {
      if (settled) return;
      settled = true;
      conn.destroy();
      if (seen !== undefined && seen !== expected) {
        reject(
          createError('OST_ERR_SFTP_HOST_KEY', [
            target.what,
            `the host key of ${target.host}:${target.port} is SHA256:${seen}, not the pinned SHA256:${expected}; nothing was uploaded (if the provider changed its key, confirm that with them first)`,
            target.port,
            target.host,
          ]),
        );
      } else {
        reject(err);
      }
    });
    conn.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      readyTimeout: readyMs,
      ...(target.password ? { password: target.password } : {}),
      ...(target.privateKey ? { privateKey: target.privateKey } : {}),
      hostVerifier: (key: Buffer) => {
        seen = hostKeyFingerprint(key);
        return seen === expected;
      },
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

async function upload(sftp: SFTPWrapper, directory: string, files: UploadFile[]): Promise<void> {
  const dir = directory.replace(/\/$/, '');
  // A missing folder is created; an existing one (the usual case) makes mkdir fail, which is fine.
  await call<void>((cb) => sftp.mkdir(dir, () => cb(null)));
  for (const f of files) await put(sftp, `${dir}/${f.name}`, f.body);
}

/**
 * Runs `work` on one SFTP session to a pinned host within `timeouts.uploadMs` (the whole session); at the
 * deadline the connection is destroyed and the promise rejects. The session is ended afterwards.
 */
export async function withSftp<T>(
  target: SftpTarget,
  timeouts: SftpTimeouts,
  work: (sftp: SFTPWrapper) => Promise<T>,
  activity = 'SFTP session',
): Promise<T> {
  const expected = pinnedKey(target);
  const started = Date.now();
  const conn = await connect(target, expected, Math.min(timeouts.readyMs, timeouts.uploadMs));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        conn.destroy();
        reject(
          new Error(
            `the ${activity} did not finish within ${timeouts.uploadMs} ms (OST_SFTP_UPLOAD_TIMEOUT_MS)`,
          ),
        );
      },
      Math.max(0, timeouts.uploadMs - (Date.now() - started)),
    );
  });
  try {
    const session = (async () => {
      const sftp = await call<SFTPWrapper>((cb) => conn.sftp((err, s) => cb(err, s)));
      try {
        return await work(sftp);
      } finally {
        sftp.end();
      }
    })();
    return await Promise.race([session, deadline]);
  } finally {
    clearTimeout(timer);
    conn.end();
  }
}

export async function uploadFiles(
  target: SftpTarget,
  directory: string,
  files: UploadFile[],
  timeouts: SftpTimeouts,
): Promise<void> {
  await withSftp(target, timeouts, (sftp) => upload(sftp, directory, files), 'upload');
}

/** A regular file in a remote folder. */
export interface RemoteFile {
  name: string;
  size: number;
}

/** The regular files directly in `directory` (none when it does not exist), sorted by name. */
export async function listFiles(sftp: SFTPWrapper, directory: string): Promise<RemoteFile[]> {
  const entries = await new Promise<{ filename: string; attrs: { mode: number; size: number } }[]>(
    (resolve, reject) =>
      sftp.readdir(directory, (err, list) => {
        if (err && (err as { code?: number }).code === 2) resolve([]);
        else if (err) reject(err);
        else resolve(list);
      }),
  );
  return entries
    .filter((e) => (e.attrs.mode & 0o170000) === 0o100000)
    .map((e) => ({ name: e.filename, size: e.attrs.size }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export const readRemoteFile = (sftp: SFTPWrapper, path: string) =>
  call<Buffer>((cb) => sftp.readFile(path, (err, data) => cb(err, data)));

/** Writes a file whole (as `.part`, then renamed), replacing one of the same name. */
export const writeRemoteFile = (sftp: SFTPWrapper, path: string, body: Buffer) => put(sftp, path, body);

/** Moves a file into `toDirectory` (created when missing), replacing a file of the same name there. */
export async function moveRemoteFile(
  sftp: SFTPWrapper,
  from: string,
  toDirectory: string,
  name: string,
): Promise<void> {
  const dir = toDirectory.replace(/\/$/, '');
  await call<void>((cb) => sftp.mkdir(dir, () => cb(null)));
  await call<void>((cb) => sftp.unlink(`${dir}/${name}`, () => cb(null)));
  await call<void>((cb) => sftp.rename(from, `${dir}/${name}`, (err) => cb(err)));
}
