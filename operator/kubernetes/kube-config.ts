// Where the apiserver is and who we are to it: a KubeConfig of @kubernetes/client-node, loaded from
// KUBECONFIG (or ~/.kube/config), else from the pod's ServiceAccount. client-node runs what a
// kubeconfig can ask for — client certificates, tokens, exec credential plugins (EKS, GKE, AKS, …), OIDC
// and the other auth providers, a CA, tls-server-name, insecure-skip-tls-verify, proxy-url — and
// re-reads the in-cluster token as it rotates. Two things stay ours: several files merge as kubectl
// merges them (the first file that names a cluster, user or context wins; client-node refuses
// duplicates), and a user's `tokenFile` (kubeconfig v1), which client-node's loader skips, is read on
// every request, trimmed, so a rotated token is used at once.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { bufferFromFileOrString, KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';

export interface KubeConnection {
  /** The apiserver's URL; a KubeClient sends its requests here (a test may point it at a proxy). */
  server: string;
  /** The cluster's CA certificate, when the kubeconfig names one. */
  ca?: Buffer;
  /** Credentials and TLS for every request: the kubeconfig as client-node loaded it. */
  config: KubeConfig;
  /** Where it came from, for logs: a kubeconfig path or `in-cluster`. */
  source: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

type Entry = { name?: string; user?: Record<string, unknown> };
type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/** The auth provider a `tokenFile` user is given (not `tokenFile`: client-node's own would claim it). */
const TOKEN_FILE = 'outputstraat-token-file';
const tokenFileAuthenticator: Authenticator = {
  isAuthProvider: (user) => user.authProvider?.name === TOKEN_FILE,
  async applyAuthentication(user, opts) {
    const token = readFileSync(String(user.authProvider.config.path), 'utf8').trim();
    opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
  },
};

/** A KubeConfig that knows our authenticators. */
function newKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.addAuthenticator(tokenFileAuthenticator);
  return config;
}

/** One kubeconfig file as client-node reads it, with `tokenFile` users on its token-file authenticator. */
function loadFile(path: string): KubeConfig {
  const doc = (parse(readFileSync(path, 'utf8')) ?? {}) as { users?: Entry[] };
  for (const entry of doc.users ?? []) {
    const user = entry.user;
    const file = user?.tokenFile;
    if (!user || user.token || user['auth-provider'] || typeof file !== 'string' || !file) continue;
    user['auth-provider'] = {
      name: TOKEN_FILE,
      config: { path: isAbsolute(file) ? file : join(dirname(path), file) },
    };
  }
  const config = newKubeConfig();
  try {
    config.loadFromString(JSON.stringify(doc));
  } catch (err) {
    throw new Error(`kubeconfig ${path}: ${(err as Error).message}`);
  }
  config.makePathsAbsolute(dirname(path));
  return config;
}

/** The connection of a kubeconfig file's current context (or the named one). */
export function connectionFromKubeconfig(paths: string[], contextName?: string): KubeConnection {
  const files = paths.filter((p) => existsSync(p));
  if (files.length === 0) throw new Error(`no kubeconfig found at ${paths.join(delimiter)}`);
  const config = newKubeConfig();
  for (const file of files) {
    const one = loadFile(file);
    // Like kubectl: the first file that defines a name wins, and the first current-context.
    for (const c of one.clusters) if (!config.getCluster(c.name)) config.addCluster(c);
    for (const u of one.users) if (!config.getUser(u.name)) config.addUser(u);
    for (const c of one.contexts) if (!config.getContextObject(c.name)) config.addContext(c);
    if (!config.currentContext && one.currentContext) config.setCurrentContext(one.currentContext);
  }
  const where = files.join(delimiter);
  if (contextName) config.setCurrentContext(contextName);
  const current = config.getCurrentContext();
  if (!current) throw new Error(`kubeconfig ${where} has no current-context`);
  const context = config.getContextObject(current);
  if (!context) throw new Error(`kubeconfig ${where} has no context named "${current}"`);
  if (!config.getCluster(context.cluster))
    throw new Error(`kubeconfig ${where} has no cluster named "${context.cluster}"`);
  if (!config.getUser(context.user))
    throw new Error(`kubeconfig ${where} has no user named "${context.user}"`);
  return connectionOf(config, files[0]!);
}

/** The pod's own ServiceAccount, as every in-cluster client does it. */
export function inClusterConnection(): KubeConnection {
  if (!process.env.KUBERNETES_SERVICE_HOST || !existsSync(join(SA_DIR, 'token'))) {
    throw new Error('not in a cluster (no KUBERNETES_SERVICE_HOST or ServiceAccount token): set KUBECONFIG');
  }
  const config = newKubeConfig();
  config.loadFromCluster();
  return connectionOf(config, 'in-cluster');
}

function connectionOf(config: KubeConfig, source: string): KubeConnection {
  const cluster = config.getCurrentCluster()!;
  const server = cluster.server.replace(/\/$/, '');
  if (!server) throw new Error(`cluster "${cluster.name}" has no server`);
  const ca = bufferFromFileOrString(cluster.caFile, cluster.caData);
  return { server, ...(ca ? { ca } : {}), config, source };
}

/** KUBECONFIG (a list of files), else ~/.kube/config, else the in-cluster ServiceAccount. */
export function loadKubeConnection(): KubeConnection {
  const list = process.env.KUBECONFIG;
  if (list) return connectionFromKubeconfig(list.split(delimiter).filter(Boolean));
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) return connectionFromKubeconfig([home]);
  return inClusterConnection();
}

/** The connection's kubeconfig with its current cluster at `connection.server` (a test may move it). */
export function kubeConfigAt(connection: KubeConnection): KubeConfig {
  const { config, server } = connection;
  const cluster = config.getCurrentCluster();
  if (!cluster || cluster.server.replace(/\/$/, '') === server) return config;
  const copy = newKubeConfig();
  copy.loadFromOptions({
    clusters: config.clusters.map((c) => (c.name === cluster.name ? { ...c, server } : c)),
    users: config.users,
    contexts: config.contexts,
    currentContext: config.currentContext,
  });
  return copy;
}

/** The namespace of the pod's ServiceAccount, when running in a cluster. */
export function inClusterNamespace(): string | undefined {
  const file = join(SA_DIR, 'namespace');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
