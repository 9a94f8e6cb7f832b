import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { kubeToolPath } from '../../support/kube-control-plane.js';
import { repoRoot } from './kubectl.js';

export const chartDir = join(repoRoot, 'charts', 'outputstraat');
export const allOptionsValues = join(repoRoot, 'tests', 'k8s', 'fixtures', 'values-all-options.yaml');

export function helm(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      kubeToolPath('helm'),
      args,
      {
        cwd: repoRoot,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, HELM_CACHE_HOME: join(repoRoot, '.cache', 'helm') },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`helm ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** `helm template` of the chart as release `name` in `namespace`. */
export const renderChart = (name: string, namespace: string, extra: string[] = []) =>
  helm(['template', name, chartDir, '--namespace', namespace, ...extra]);
