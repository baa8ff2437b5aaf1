/**
 * Safe extraction of a plugin tarball (`npm pack` output) with the system
 * `tar`, spawned with an argv array. The listing is checked before anything is
 * written (no absolute paths, no `..`), and the extracted tree is checked
 * after (no symlinks, no hard links, no devices), because both GNU tar and
 * bsdtar already refuse to write through links but we do not want links in a
 * plugin folder at all.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Runs a program with an argv array (no shell); never rejects, the exit code says how it went. */
export type CommandRunner = (file: string, args: readonly string[], opts: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv }) => Promise<{ code: number | null; stdout: string; stderr: string }>;

/** The default runner: `execFile` with a timeout and a generous output cap. */
export const runCommand: CommandRunner = (file, args, opts) =>
  new Promise((resolve) => {
    execFile(file, [...args], { cwd: opts.cwd, timeout: opts.timeoutMs, maxBuffer: 16 * 1024 * 1024, env: opts.env ?? process.env, windowsHide: true }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: err && !stderr ? err.message : String(stderr) });
    });
  });

/** The archive holds something a plugin folder must not. */
export class UnsafeArchiveError extends Error {
  override readonly name = 'UnsafeArchiveError';
}

/** Limits on what an archive may unpack to. */
export interface ArchiveLimits {
  maxFiles: number;
  maxBytes: number;
}

const DEFAULT_LIMITS: ArchiveLimits = { maxFiles: 20_000, maxBytes: 256 * 1024 * 1024 };

/** Lists, checks and extracts `file` (a .tgz) into the empty folder `dest`. */
export async function extractTarball(file: string, dest: string, run: CommandRunner = runCommand, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<void> {
  const listing = await run('tar', ['-tzf', file], { cwd: dest, timeoutMs: 60_000 });
  if (listing.code !== 0) throw new Error(`cannot read ${file} as a .tgz archive: ${listing.stderr.trim() || `tar exited with ${String(listing.code)}`}`);
  const names = listing.stdout.split('\n').filter((n) => n !== '');
  if (names.length === 0) throw new UnsafeArchiveError(`${file} is empty`);
  if (names.length > limits.maxFiles) throw new UnsafeArchiveError(`${file} holds more than ${limits.maxFiles} entries`);
  for (const name of names) {
    if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) throw new UnsafeArchiveError(`${file} holds an absolute path: ${name}`);
    if (name.split(/[\\/]/).includes('..')) throw new UnsafeArchiveError(`${file} holds a path that climbs out (..): ${name}`);
  }
  const extracted = await run('tar', ['-xzf', file, '-C', dest, '--no-same-owner'], { cwd: dest, timeoutMs: 120_000 });
  if (extracted.code !== 0) throw new Error(`cannot extract ${file}: ${extracted.stderr.trim() || `tar exited with ${String(extracted.code)}`}`);
  checkTree(dest, file, limits);
}

/** Walks the extracted tree; throws on links, special files or too much data. */
function checkTree(root: string, file: string, limits: ArchiveLimits): void {
  let bytes = 0;
  let count = 0;
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name);
      const st = fs.lstatSync(full);
      const rel = path.relative(root, full);
      if (st.isSymbolicLink()) throw new UnsafeArchiveError(`${file} holds a symbolic link: ${rel}`);
      if (st.isDirectory()) {
        walk(full);
        continue;
      }
      if (!st.isFile()) throw new UnsafeArchiveError(`${file} holds a special file: ${rel}`);
      if (st.nlink > 1) throw new UnsafeArchiveError(`${file} holds a hard link: ${rel}`);
      bytes += st.size;
      if (++count > limits.maxFiles || bytes > limits.maxBytes) throw new UnsafeArchiveError(`${file} unpacks to more than ${limits.maxFiles} files or ${Math.round(limits.maxBytes / 1048576)} MiB`);
    }
  };
  walk(root);
}
