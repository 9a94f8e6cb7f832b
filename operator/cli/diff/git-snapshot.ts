// The files of a git revision, read-only: `git archive` of the asked paths into a temporary folder, so
// the working tree, the index and the repository's worktree list are never touched.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createError } from '../../../core/errors/index.js';
import { usageError } from '../cli-io.js';

function git(cwd: string, args: string[]): { ok: boolean; stdout: Buffer; stderr: string } {
  const r = spawnSync('git', args, { cwd, maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw createError('OST_ERR_FILE_READ', ['git', r.error.message], { cause: r.error });
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.toString().trim() };
}

export interface GitSnapshot {
  /** Folder that stands for the repository's working directory (io.cwd) at the revision. */
  cwd: string;
  /** The asked paths that exist at the revision, inside the snapshot. */
  paths: string[];
  remove(): void;
}

/** The commit a revision names, or undefined when it is not a revision of the repository at cwd. */
export function resolveRevision(cwd: string, rev: string): string | undefined {
  const r = git(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return r.ok ? r.stdout.toString().trim() : undefined;
}

export function gitSnapshot(cwd: string, rev: string, paths: readonly string[]): GitSnapshot {
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw usageError(`"${rev}" is neither a folder nor a git revision (${top.stderr})`);
  const root = top.stdout.toString().trim();
  const commit = resolveRevision(cwd, rev);
  if (!commit)
    throw usageError(
      `"${rev}" is neither a folder nor a git revision`,
      'name a folder, a commit, a branch or a tag',
    );
  const inRepo = paths.map((p) => relative(root, resolve(cwd, p)).split('\\').join('/') || '.');
  const present = inRepo.filter((p) => p === '.' || git(root, ['cat-file', '-e', `${commit}:${p}`]).ok);
  const dir = mkdtempSync(join(tmpdir(), 'outputstraat-diff-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  if (present.length > 0) {
    const archive = git(root, ['archive', '--format=tar', commit, '--', ...present]);
    if (!archive.ok) {
      remove();
      throw createError('OST_ERR_FILE_READ', [`${rev} (git archive)`, archive.stderr]);
    }
    const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
    if (untar.status !== 0) {
      remove();
      throw createError('OST_ERR_FILE_READ', [`${rev} (tar)`, untar.stderr.toString().trim()]);
    }
  }
  const snapshotCwd = join(dir, relative(root, cwd));
  return {
    cwd: snapshotCwd,
    paths: present.map((p) => join(dir, p)),
    remove,
  };
}
