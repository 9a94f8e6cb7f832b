// A real, loopback-only Kubernetes control plane (etcd + kube-apiserver) for integration tests.
// It drives scripts/k8s/control-plane.sh with a fresh state dir per call; the binaries come from
// `bash scripts/k8s/build-tools.sh`. There is no controller-manager: no pods, no garbage collection,
// deleted namespaces stay Terminating. Startup takes a few seconds, so give beforeAll a generous
// timeout, e.g. beforeAll(async () => { cp = await startControlPlane(); }, 120_000).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ControlPlane {
  /** Admin kubeconfig (client certificate CN=admin, O=system:masters), certificates embedded. */
  kubeconfigPath: string;
  /** https://127.0.0.1:<port>; it stays the same across restartApiServer(). */
  server: string;
  /** State dir holding kubeconfig, pki/, etcd data and the etcd/kube-apiserver logs. */
  dir: string;
  /**
   * A bearer token the apiserver accepts (--token-auth-file) for user `token-admin` in system:masters:
   * for credentials that are not client certificates (an exec plugin, a token file).
   */
  bearerToken: string;
  /** Stops kube-apiserver and starts it again on the same port; etcd and its data stay. */
  restartApiServer(): Promise<void>;
  /** Stops both processes and removes the state dir (unless it was passed in). Idempotent. */
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Use (and keep) this state dir instead of a fresh temporary one. */
  dir?: string;
  /** Seconds to wait for etcd and for kube-apiserver /readyz (default 90). */
  timeoutSeconds?: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = join(repoRoot, 'scripts', 'k8s', 'control-plane.sh');
const requiredTools = ['etcd', 'kube-apiserver', 'kubectl'] as const;

/** Directory of the binaries built by scripts/k8s/build-tools.sh. */
export function kubeToolsBinDir(): string {
  return join(process.env.OUTPUTSTRAAT_TOOLS_DIR ?? join(repoRoot, '.cache', 'tools'), 'bin');
}

/** Absolute path of a built tool, e.g. kubeToolPath('helm'); throws if it was not built. */
export function kubeToolPath(name: 'kubectl' | 'helm' | 'etcd' | 'kube-apiserver'): string {
  const path = join(kubeToolsBinDir(), name);
  if (!existsSync(path)) throw missingToolsError([name]);
  return path;
}

function missingToolsError(missing: readonly string[]): Error {
  return new Error(
    `Kubernetes test binaries not found (${missing.join(', ')} in ${kubeToolsBinDir()}): ` +
      'run `bash scripts/k8s/build-tools.sh` once to build them.',
  );
}

// State dirs of control planes this process started and has not stopped yet.
const running = new Map<string, NodeJS.ProcessEnv>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work is possible here; the script's owner-pid watchdog covers hard kills.
  process.once('exit', () => {
    for (const env of running.values()) {
      spawnSync('bash', [script, 'stop'], { env, stdio: 'ignore', timeout: 20_000 });
    }
  });
}

function runScript(command: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile('bash', [script, command], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = stderr.trim() || error.message;
        reject(new Error(`scripts/k8s/control-plane.sh ${command} failed: ${detail}`));
      } else {
        resolvePromise(stdout);
      }
    });
  });
}

function readServer(dir: string): string {
  const endpoints = readFileSync(join(dir, 'endpoints.env'), 'utf8');
  const match = /^APISERVER_URL=(.+)$/m.exec(endpoints);
  if (!match?.[1]) throw new Error(`no APISERVER_URL in ${join(dir, 'endpoints.env')}`);
  return match[1].trim();
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const missing = requiredTools.filter((tool) => !existsSync(join(kubeToolsBinDir(), tool)));
  if (missing.length > 0) throw missingToolsError(missing);

  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'outputstraat-kube-')));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KUBE_CP_DIR: dir,
    KUBE_CP_OWNER_PID: String(process.pid),
    ...(options.timeoutSeconds === undefined ? {} : { KUBE_CP_TIMEOUT: String(options.timeoutSeconds) }),
  };

  installExitHook();
  running.set(dir, env);
  let kubeconfigPath: string;
  let server: string;
  try {
    const lines = (await runScript('start', env)).trim().split('\n');
    kubeconfigPath = lines[lines.length - 1] ?? '';
    if (!existsSync(kubeconfigPath)) throw new Error(`control-plane.sh start printed no kubeconfig path`);
    server = readServer(dir);
  } catch (error) {
    await runScript('stop', env).catch(() => undefined);
    running.delete(dir);
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    kubeconfigPath,
    server,
    dir,
    bearerToken: readFileSync(join(dir, 'pki', 'tokens.csv'), 'utf8').split(',')[0]!,
    restartApiServer: async () => {
      await runScript('restart-apiserver', env);
    },
    stop: () => {
      stopped ??= (async () => {
        await runScript('stop', env);
        running.delete(dir);
        if (ownsDir) await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
