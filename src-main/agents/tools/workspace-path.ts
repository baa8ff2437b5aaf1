import { lstat, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ToolDeniedError } from './types.js';

export interface ResolveWorkspacePathOptions {
  /** The path itself must exist (reads, edits, deletes, exec cwd). */
  mustExist?: boolean;
  /** The caller will create or replace the file: its parent and any existing link target must be inside. */
  forWrite?: boolean;
  /**
   * The path reaches a program exactly as written (an `exec` argument): no percent-decoding and no backslash
   * folding, so the path checked is the one the program opens.
   */
  literal?: boolean;
}

const MAX_DECODE_ROUNDS = 8;
const MAX_LINK_HOPS = 40;

/**
 * The one path chokepoint: every file-bearing tool parameter goes through here.
 * Returns an absolute real path inside `workspace` (symlinks resolved; a missing tail is appended as written),
 * or throws `ToolDeniedError` (`PATH_ESCAPE`, `PATH_INVALID`, `NOT_FOUND`).
 *
 * The returned path is what the caller must use: it is the path that was checked.
 */
export async function resolveWorkspacePath(workspace: string, userPath: string, opts: ResolveWorkspacePathOptions = {}): Promise<string> {
  if (typeof userPath !== 'string' || userPath.trim() === '') throw new ToolDeniedError('A path is required.', 'PATH_INVALID');
  const decoded = opts.literal ? userPath : decodeUntilStable(userPath);
  if (decoded.includes('\0')) throw new ToolDeniedError('Path contains a NUL byte.', 'PATH_INVALID');
  // Backslashes are separators on Windows and a traversal trick everywhere else; treat them as '/'.
  const normalised = opts.literal ? decoded : decoded.replace(/\\/g, '/');

  const root = await realpath(workspace);
  const lexical = path.resolve(root, normalised);
  if (!isInside(root, lexical)) throw escape(userPath);

  const real = await realpathLoose(lexical, 0, userPath);
  if (!isInside(root, real)) throw escape(userPath);

  const exists = await pathExists(real);
  if (opts.mustExist && !exists) throw new ToolDeniedError(`No such file or directory: ${userPath}`, 'NOT_FOUND');
  if (opts.forWrite && real === root) throw new ToolDeniedError('Cannot write to the workspace root itself.', 'PATH_INVALID');
  return real;
}

/** `abs` relative to the workspace, with '/' separators (for messages and results). */
export function toWorkspaceRelative(workspaceReal: string, abs: string): string {
  const rel = path.relative(workspaceReal, abs);
  return rel === '' ? '.' : rel.split(path.sep).join('/');
}

/** True when `candidate` is `root` or below it. The trailing separator keeps `/ws-evil` out of `/ws`. */
export function isInside(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return candidate.startsWith(prefix);
}

/** Decode percent-encoding until nothing changes, so `%252e%252e%252f` is seen as `../`. Malformed escapes stop decoding. */
export function decodeUntilStable(input: string): string {
  let current = input;
  for (let i = 0; i < MAX_DECODE_ROUNDS; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  throw new ToolDeniedError('Path is encoded too many times.', 'PATH_INVALID');
}

function escape(userPath: string): ToolDeniedError {
  return new ToolDeniedError(`Path is outside the workspace: ${userPath}`, 'PATH_ESCAPE');
}

/**
 * realpath() of the deepest existing ancestor with the missing tail appended. A dangling symlink is followed
 * through its target (so a write through a link to a missing file outside is still caught).
 */
async function realpathLoose(abs: string, hops: number, userPath: string): Promise<string> {
  if (hops > MAX_LINK_HOPS) throw new ToolDeniedError(`Too many symbolic links: ${userPath}`, 'PATH_INVALID');
  let existing = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      await lstat(existing);
      break;
    } catch (err) {
      if (!isMissing(err)) throw err;
      const parent = path.dirname(existing);
      if (parent === existing) break;
      tail.unshift(path.basename(existing));
      existing = parent;
    }
  }
  let real: string;
  try {
    real = await realpath(existing);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new ToolDeniedError(`Too many symbolic links: ${userPath}`, 'PATH_INVALID');
    if (!isMissing(err)) throw err;
    const st = await lstat(existing);
    if (!st.isSymbolicLink()) throw err;
    const target = await readlink(existing);
    real = await realpathLoose(path.resolve(path.dirname(existing), target), hops + 1, userPath);
  }
  return tail.length === 0 ? real : path.join(real, ...tail);
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function pathExists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}
