// An SMTP relay on a free loopback port that misbehaves on purpose, one raw TCP connection at a time:
//  - 'silent': accepts the connection and never sends the 220 greeting;
//  - 'stall-after-data': speaks SMTP up to DATA, reads the whole message and never answers it;
//  - 'forward': pipes the connection to a real SMTP server (the test's sink).
// The mode is read when a connection is accepted, so a test can let the first attempt stall and the next
// one through. Every connection is recorded with when it opened and closed and, after DATA, the message id
// it carried, so a test can tell whether a second copy was sent while the first was still in flight.
import { connect, createServer, type Socket } from 'node:net';

export type RelayMode = 'silent' | 'stall-after-data' | 'forward';

export interface RelayConnection {
  mode: RelayMode;
  openedAt: number;
  closedAt?: number;
  /** X-Outputstraat-Message-Id of the message received after DATA ('stall-after-data' only). */
  messageId?: string;
}

export interface StallingRelay {
  port: number;
  /** The mode of connections accepted from now on. */
  mode: RelayMode;
  connections: RelayConnection[];
  /** Closes every open connection (a client's pooled connections too), so the next send connects anew. */
  closeAll(): void;
  stop(): Promise<void>;
}

function speakUntilData(socket: Socket, conn: RelayConnection): void {
  let buffer = '';
  let inData = false;
  socket.write('220 stalling-relay.test ESMTP\r\n');
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    if (inData) {
      const end = buffer.indexOf('\r\n.\r\n');
      if (end === -1) return;
      conn.messageId = /^X-Outputstraat-Message-Id: *(\S+)/im.exec(buffer.slice(0, end))?.[1] ?? '';
      buffer = '';
      return; // and never answer it
    }
    for (let eol = buffer.indexOf('\r\n'); eol !== -1 && !inData; eol = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') socket.write('250 stalling-relay.test\r\n');
      else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP')
        socket.write('250 OK\r\n');
      else if (verb === 'DATA') {
        socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        inData = true;
      } else if (verb === 'QUIT') socket.end('221 Bye\r\n');
      else socket.write('502 Command not implemented\r\n');
    }
  });
}

export async function startStallingRelay(forwardTo: { host?: string; port: number }): Promise<StallingRelay> {
  const sockets = new Set<Socket>();
  const relay: StallingRelay = {
    port: 0,
    mode: 'forward',
    connections: [],
    closeAll: () => {
      for (const s of sockets) s.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((socket) => {
    const conn: RelayConnection = { mode: relay.mode, openedAt: Date.now() };
    relay.connections.push(conn);
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      conn.closedAt = Date.now();
      sockets.delete(socket);
    });
    if (conn.mode === 'silent') return;
    if (conn.mode === 'stall-after-data') return speakUntilData(socket, conn);
    const upstream = connect(forwardTo.port, forwardTo.host ?? '127.0.0.1');
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as { port: number }).port;
  return relay;
}
