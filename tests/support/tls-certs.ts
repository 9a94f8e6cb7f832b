// A throwaway certificate authority for TLS tests, made with the real `openssl`: a CA, a server
// certificate for 127.0.0.1 and localhost, and a client certificate, all signed by that CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  caFile: string;
  server: { certFile: string; keyFile: string };
  client: { certFile: string; keyFile: string };
  remove(): void;
}

const openssl = (args: string[], cwd: string) =>
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** A leaf key and certificate signed by the CA in `dir`, with the given subjectAltName and purpose. */
function leaf(dir: string, name: string, altNames: string | undefined, usage: string) {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      'basicConstraints = CA:FALSE',
      'keyUsage = digitalSignature, keyEncipherment',
      `extendedKeyUsage = ${usage}`,
      ...(altNames ? [`subjectAltName = ${altNames}`] : []),
      '',
    ].join('\n'),
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      ext,
    ],
    dir,
  );
  return { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'ost-tls-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=Outputstraat test CA',
    ],
    dir,
  );
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    server: leaf(dir, 'server', 'IP:127.0.0.1, DNS:localhost', 'serverAuth'),
    client: leaf(dir, 'client', undefined, 'clientAuth'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
