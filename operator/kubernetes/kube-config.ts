// Where the apiserver is and who we are to it: from KUBECONFIG (or ~/.kube/config), else from the pod's
// ServiceAccount. Supports what an operator and its tests need — client certificates, bearer tokens
// (and token files, re-read because bound ServiceAccount tokens rotate), a CA, insecure-skip-tls-verify.
// Exec and auth-provider plugins are not supported: run in the cluster or use a token or certificate.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

export interface KubeConnection {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Returns the bearer token to send, read again on every call (files rotate). */
  token?: () => string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  /** Where it came from, for logs: a kubeconfig path or `in-cluster`. */
  source: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type Section = 'clusters' | 'users' | 'contexts';
type KubeconfigFile = Partial<Record<Section, { name: string; [k: string]: unknown }[]>> & {
  'current-context'?: string;
};

function fileOrData(
  entry: Record<string, unknown>,
  fileKey: string,
  dataKey: string,
  base: string,
): Buffer | undefined {
  const data = entry[dataKey];
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64');
  const file = entry[fileKey];
  if (typeof file === 'string' && file) return readFileSync(isAbsolute(file) ? file : join(base, file));
  return undefined;
}

/** The connection of a kubeconfig file's current context (or the named one). */
export function connectionFromKubeconfig(paths: string[], contextName?: string): KubeConnection {
  const files = paths.filter((p) => existsSync(p));
  if (files.length === 0) throw new Error(`no kubeconfig found at ${paths.join(delimiter)}`);
  const docs = files.map((path) => ({
    path,
    doc: (parse(readFileSync(path, 'utf8')) ?? {}) as KubeconfigFile,
  }));
  // Like kubectl: the first file that defines a name wins.
  const find = (section: Section, field: string, name: string) => {
    for (const { path, doc } of docs) {
      const hit = doc[section]?.find((e) => e.name === name);
      if (hit) return { entry: (hit[field] ?? {}) as Record<string, unknown>, base: dirname(path) };
    }
    throw new Error(`kubeconfig ${files.join(delimiter)} has no ${field} named "${name}"`);
  };
  const current = contextName ?? docs.map((d) => d.doc['current-context']).find((c) => c);
  if (!current) throw new Error(`kubeconfig ${files.join(delimiter)} has no current-context`);
  const context = find('contexts', 'context', current).entry as { cluster?: string; user?: string };
  const { entry: cluster, base: clusterBase } = find('clusters', 'cluster', String(context.cluster));
  const { entry: user, base: userBase } = find('users', 'user', String(context.user));
  if (user.exec || user['auth-provider']) {
    throw new Error(
      `kubeconfig user "${context.user}" uses an exec or auth-provider plugin, which the operator does not run; ` +
        'use a client certificate or token, or run the operator in the cluster',
    );
  }
  const conn: KubeConnection = { server: String(cluster.server ?? '').replace(/\/$/, ''), source: files[0]! };
  if (!conn.server) throw new Error(`cluster "${context.cluster}" has no server`);
  const ca = fileOrData(cluster, 'certificate-authority', 'certificate-authority-data', clusterBase);
  if (ca) conn.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) conn.insecureSkipTlsVerify = true;
  if (typeof cluster['tls-server-name'] === 'string') conn.tlsServerName = cluster['tls-server-name'];
  const cert = fileOrData(user, 'client-certificate', 'client-certificate-data', userBase);
  const key = fileOrData(user, 'client-key', 'client-key-data', userBase);
  if (cert && key) Object.assign(conn, { cert, key });
  if (typeof user.token === 'string' && user.token) {
    const token = user.token;
    conn.token = () => token;
  } else if (typeof user.tokenFile === 'string' && user.tokenFile) {
    const file = isAbsolute(user.tokenFile) ? user.tokenFile : join(userBase, user.tokenFile);
    conn.token = () => readFileSync(file, 'utf8').trim();
  }
  return conn;
}

/** The pod's own ServiceAccount, as every in-cluster client does it. */
export function inClusterConnection(env: NodeJS.ProcessEnv = process.env): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host || !existsSync(join(SA_DIR, 'token'))) {
    throw new Error('not in a cluster (no KUBERNETES_SERVICE_HOST or ServiceAccount token): set KUBECONFIG');
  }
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: readFileSync(join(SA_DIR, 'ca.crt')),
    token: () => readFileSync(join(SA_DIR, 'token'), 'utf8').trim(),
    source: 'in-cluster',
  };
}

/** KUBECONFIG (a list of files), else ~/.kube/config, else the in-cluster ServiceAccount. */
export function loadKubeConnection(env: NodeJS.ProcessEnv = process.env): KubeConnection {
  if (env.KUBECONFIG) return connectionFromKubeconfig(env.KUBECONFIG.split(delimiter).filter(Boolean));
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) return connectionFromKubeconfig([home]);
  return inClusterConnection(env);
}

/** The namespace of the pod's ServiceAccount, when running in a cluster. */
export function inClusterNamespace(): string | undefined {
  const file = join(SA_DIR, 'namespace');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
