import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { ToolDeniedError } from './types.js';
import { resolveWorkspacePath } from './workspace-path.js';

/**
 * The strings inside one argument that a program might open as a path. We do not know each program's options,
 * so every reading is tried:
 * - the argument itself (operands, values given as their own argument);
 * - the value of `--opt=value`, of `name=value` (`dd if=…`) and of `@file` (response files);
 * - for `-xVALUE` short options, every split of the leading letters (`-f/etc/x`, `-xf/etc/x`), so a value
 *   glued to a cluster is seen whatever letter takes it;
 * - the path of a `file:` URL.
 * Whitespace-only strings are left alone (they cannot name anything outside).
 */
export function pathCandidates(arg: string): string[] {
  const out = new Set<string>([arg]);
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    if (eq > 2) out.add(arg.slice(eq + 1));
  } else if (arg.startsWith('-') && arg.length > 2) {
    let end = 1;
    while (end < arg.length && /[A-Za-z0-9]/.test(arg[end])) end++;
    for (let k = 2; k <= Math.min(end, arg.length - 1); k++) out.add(arg.slice(k));
    if (end < arg.length) out.add(arg.slice(end));
  } else {
    const kv = /^[A-Za-z_][A-Za-z0-9_.-]*=(.*)$/s.exec(arg);
    if (kv) out.add(kv[1]);
    if (arg.startsWith('@')) out.add(arg.slice(1));
  }
  for (const c of [...out]) {
    const url = /^file:(.*)$/is.exec(c);
    if (url) out.add(fileUrlPath(c, url[1]));
  }
  return [...out].filter((c) => c.trim() !== '');
}

function fileUrlPath(whole: string, rest: string): string {
  try {
    return decodeURIComponent(new URL(whole).pathname);
  } catch {
    return rest.replace(/^\/\/[^/]*/, '');
  }
}

export interface PathArgumentOptions {
  /** Real path of the directory the program runs in (inside the workspace). */
  cwd: string;
  /** The workspace root (realpath taken here). */
  workspace: string;
}

/**
 * Every argument that could name a file must resolve inside the workspace: absolute paths, `..` segments, `~`,
 * option values and `file:` URLs are resolved from `cwd` the way the kernel would (a `..` after a symbolic
 * link leaves the link's target, not its name), then checked by the workspace chokepoint (realpath +
 * containment). Throws `ToolDeniedError` (`PATH_ESCAPE`) naming the argument.
 */
export async function checkPathArguments(args: readonly string[], opts: PathArgumentOptions): Promise<void> {
  for (const arg of args) {
    for (const candidate of pathCandidates(arg)) {
      if (candidate.startsWith('~')) throw outside(arg, 'a home directory');
      const abs = await physicalJoin(opts.cwd, candidate);
      try {
        await resolveWorkspacePath(opts.workspace, abs, { literal: true });
      } catch (err) {
        if (err instanceof ToolDeniedError && err.code === 'PATH_ESCAPE') throw outside(arg, candidate === arg ? undefined : candidate);
        throw err;
      }
    }
  }
}

function outside(arg: string, what?: string): ToolDeniedError {
  const detail = what ? ` (${what} is outside the workspace)` : '';
  return new ToolDeniedError(
    `Path argument is outside the workspace: ${arg}${detail}. exec only reaches files inside the workspace; give paths relative to it, and a value glued to a short option as its own argument.`,
    'PATH_ESCAPE',
  );
}

/**
 * `base` joined with `rel` as the kernel resolves it: each `..` applies to the real path of what precedes it.
 * Parts that do not exist are joined as written (a program could not step through them either).
 */
async function physicalJoin(base: string, rel: string): Promise<string> {
  if (!rel.split(/[\\/]+/).includes('..')) return path.resolve(base, rel);
  let current = path.isAbsolute(rel) ? path.parse(path.resolve(rel)).root : base;
  for (const part of rel.split(path.sep === '\\' ? /[\\/]+/ : /\/+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.dirname(await realpath(current).catch(() => current));
      continue;
    }
    current = path.join(current, part);
  }
  return current;
}
