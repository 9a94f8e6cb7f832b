// A real SSH server with an SFTP subsystem (ssh2's Server) on a free loopback port, storing uploads in a
// temporary folder: the print provider's side of letter batches. Password authentication for one user;
// the host key is generated per server and its SHA-256 fingerprint is exposed for host key pinning.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { type Connection, Server, type SFTPWrapper, utils } from 'ssh2';

const { STATUS_CODE, flagsToString } = utils.sftp;

export interface TestSftpServer {
  port: number;
  username: string;
  password: string;
  /** Local folder the SFTP root maps to. */
  root: string;
  /** base64 SHA-256 of the host key, as `hostKeySha256` in a Channel. */
  hostKeySha256: string;
  /** Completed files under `dir` (relative to the SFTP root), sorted. */
  files(dir: string): string[];
  read(path: string): Buffer;
  /** Puts a file as the provider would (e.g. a return file), creating its folder. */
  write(path: string, body: Buffer | string): void;
  /** Whether the next uploads are refused (the provider is down). */
  refuse: boolean;
  /** SSH connections accepted so far. */
  readonly connections: number;
  /** Whether the next uploads hang: files are never opened, and no answer comes (a stuck provider). */
  stall: boolean;
  stop(): Promise<void>;
}

function attrsOf(st: Stats) {
  return {
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    atime: st.atimeMs / 1000,
    mtime: st.mtimeMs / 1000,
  };
}

function serveSftp(sftp: SFTPWrapper, root: string, server: { refuse: boolean; stall: boolean }): void {
  const handles = new Map<number, { fd: number }>();
  let next = 0;
  const local = (p: string) => join(root, normalize(`/${p}`));
  const handleOf = (buf: Buffer) => handles.get(buf.readUInt32BE(0));
  const fail = (reqid: number, err: unknown) =>
    sftp.status(
      reqid,
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : STATUS_CODE.FAILURE,
    );

  sftp.on('OPEN', (reqid, filename, flags) => {
    if (server.stall) return;
    if (server.refuse) return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED);
    try {
      const fd = openSync(local(filename), flagsToString(flags) ?? 'r');
      const id = next++;
      handles.set(id, { fd });
      const handle = Buffer.alloc(4);
      handle.writeUInt32BE(id, 0);
      sftp.handle(reqid, handle);
    } catch (err) {
      fail(reqid, err);
    }
  });
  sftp.on('WRITE', (reqid, handle, offset, data) => {
    const h = handleOf(handle);
    if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
    writeSync(h.fd, data, 0, data.length, offset);
    sftp.status(reqid, STATUS_CODE.OK);
  });
  sftp.on('READ', (reqid, handle, offset, length) => {
    const h = handleOf(handle);
    if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
    const buf = Buffer.alloc(length);
    const read = readSync(h.fd, buf, 0, length, offset);
    if (read === 0) return sftp.status(reqid, STATUS_CODE.EOF);
    sftp.data(reqid, buf.subarray(0, read));
  });
  sftp.on('FSTAT', (reqid, handle) => {
    const h = handleOf(handle);
    if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
    sftp.attrs(reqid, attrsOf(fstatSync(h.fd)));
  });
  sftp.on('CLOSE', (reqid, handle) => {
    const id = handle.readUInt32BE(0);
    dirs.delete(id);
    const h = handles.get(id);
    if (h) closeSync(h.fd);
    handles.delete(id);
    sftp.status(reqid, STATUS_CODE.OK);
  });
  const stat = (reqid: number, path: string) => {
    try {
      sftp.attrs(reqid, attrsOf(statSync(local(path))));
    } catch (err) {
      fail(reqid, err);
    }
  };
  sftp.on('STAT', stat);
  sftp.on('LSTAT', stat);
  sftp.on('REALPATH', (reqid, path) => {
    const p = normalize(`/${path}`);
    sftp.name(reqid, [{ filename: p, longname: p, attrs: {} as never }]);
  });
  sftp.on('REMOVE', (reqid, path) => {
    try {
      unlinkSync(local(path));
      sftp.status(reqid, STATUS_CODE.OK);
    } catch (err) {
      fail(reqid, err);
    }
  });
  sftp.on('RENAME', (reqid, from, to) => {
    try {
      renameSync(local(from), local(to));
      sftp.status(reqid, STATUS_CODE.OK);
    } catch (err) {
      fail(reqid, err);
    }
  });
  // Folder listings (the return folder of registered letters): the whole listing in one READDIR answer.
  const dirs = new Map<number, { path: string; done: boolean }>();
  sftp.on('OPENDIR', (reqid, path) => {
    if (server.refuse) return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED);
    try {
      if (!statSync(local(path)).isDirectory()) return sftp.status(reqid, STATUS_CODE.FAILURE);
      const id = next++;
      dirs.set(id, { path: local(path), done: false });
      const handle = Buffer.alloc(4);
      handle.writeUInt32BE(id, 0);
      sftp.handle(reqid, handle);
    } catch (err) {
      fail(reqid, err);
    }
  });
  sftp.on('READDIR', (reqid, handle) => {
    const d = dirs.get(handle.readUInt32BE(0));
    if (!d) return sftp.status(reqid, STATUS_CODE.FAILURE);
    if (d.done) return sftp.status(reqid, STATUS_CODE.EOF);
    d.done = true;
    const names = readdirSync(d.path).map((filename) => {
      const attrs = attrsOf(statSync(join(d.path, filename)));
      return { filename, longname: filename, attrs };
    });
    sftp.name(reqid, names);
  });
  sftp.on('MKDIR', (reqid, path) => {
    try {
      mkdirSync(local(path), { recursive: true });
      sftp.status(reqid, STATUS_CODE.OK);
    } catch (err) {
      fail(reqid, err);
    }
  });
}

/**
 * A new ed25519 host key that ssh2 itself can read back: now and then ssh2's own generateKeyPairSync writes
 * a private key its parseKey calls "Malformed OpenSSH private key", so a key it cannot read is replaced.
 */
function freshHostKey() {
  let last: Error | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const hostKey = utils.generateKeyPairSync('ed25519');
    const parsed = utils.parseKey(hostKey.private);
    if (parsed instanceof Error) {
      last = parsed;
      continue;
    }
    return { hostKey, key: Array.isArray(parsed) ? parsed[0]! : parsed };
  }
  throw last ?? new Error('no readable ed25519 host key');
}

export async function startSftpServer(
  username = 'printer',
  password = 'print-secret',
): Promise<TestSftpServer> {
  const root = mkdtempSync(join(tmpdir(), 'ost-sftp-'));
  const { hostKey, key } = freshHostKey();
  const hostKeySha256 = createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '');
  const state = { refuse: false, stall: false, connections: 0 };
  const connections = new Set<Connection>();
  const same = (a: string, b: string) =>
    Buffer.byteLength(a) === Buffer.byteLength(b) && timingSafeEqual(Buffer.from(a), Buffer.from(b));

  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    state.connections++;
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && same(ctx.username, username) && same(ctx.password, password))
        ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), root, state));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    username,
    password,
    root,
    hostKeySha256,
    files: (dir) => {
      try {
        return readdirSync(join(root, dir))
          .filter((f) => !f.endsWith('.part'))
          .sort();
      } catch {
        return [];
      }
    },
    read: (path) => readFileSync(join(root, path)),
    write: (path, body) => {
      const full = join(root, normalize(`/${path}`));
      mkdirSync(join(full, '..'), { recursive: true });
      writeFileSync(full, body);
    },
    get refuse() {
      return state.refuse;
    },
    get connections() {
      return state.connections;
    },
    get stall() {
      return state.stall;
    },
    set stall(value: boolean) {
      state.stall = value;
    },
    set refuse(value: boolean) {
      state.refuse = value;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.end();
        server.close(() => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
