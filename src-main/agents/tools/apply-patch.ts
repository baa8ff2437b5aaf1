import { readFile, rm } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { writeFileAtomic } from './fs-write.js';
import type { AgentTool } from './types.js';
import { resolveWorkspacePath, toWorkspaceRelative } from './workspace-path.js';

/** One file operation parsed from a `*** Begin Patch` block. */
export type PatchOp =
  | { kind: 'add'; path: string; lines: string[] }
  | { kind: 'delete'; path: string }
  | { kind: 'update'; path: string; moveTo?: string; hunks: Hunk[] };

export interface Hunk {
  /** Text after `@@`, used to locate the hunk (e.g. a function signature). */
  anchor?: string;
  oldLines: string[];
  newLines: string[];
  /** `*** End of File`: the hunk must match at the end. */
  atEof: boolean;
}

/** A malformed patch or a hunk that does not apply. */
export class PatchError extends Error {
  override readonly name = 'PatchError';
}

/** Parse the `*** Begin Patch` … `*** End Patch` format. Throws `PatchError` with the offending line number. */
export function parsePatch(text: string): PatchOp[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (lines[i]?.trim() !== '*** Begin Patch') throw new PatchError('Patch must start with "*** Begin Patch".');
  if (lines[lines.length - 1]?.trim() !== '*** End Patch') throw new PatchError('Patch must end with "*** End Patch".');
  const end = lines.length - 1;
  i++;
  const ops: PatchOp[] = [];
  const header = (line: string, prefix: string) => (line.startsWith(prefix) ? line.slice(prefix.length).trim() : undefined);
  while (i < end) {
    const line = lines[i];
    let p: string | undefined;
    if ((p = header(line, '*** Add File: ')) !== undefined) {
      i++;
      const body: string[] = [];
      while (i < end && !lines[i].startsWith('*** ')) {
        if (!lines[i].startsWith('+')) throw new PatchError(`Line ${i + 1}: lines of an added file must start with "+".`);
        body.push(lines[i].slice(1));
        i++;
      }
      ops.push({ kind: 'add', path: p, lines: body });
    } else if ((p = header(line, '*** Delete File: ')) !== undefined) {
      ops.push({ kind: 'delete', path: p });
      i++;
    } else if ((p = header(line, '*** Update File: ')) !== undefined) {
      i++;
      let moveTo: string | undefined;
      const mv = lines[i] !== undefined ? header(lines[i], '*** Move to: ') : undefined;
      if (mv !== undefined) {
        moveTo = mv;
        i++;
      }
      const hunks: Hunk[] = [];
      let current: Hunk | undefined;
      while (i < end && !isFileHeader(lines[i])) {
        const l = lines[i];
        if (l.startsWith('@@')) {
          current = { anchor: l.slice(2).trim() || undefined, oldLines: [], newLines: [], atEof: false };
          hunks.push(current);
        } else if (l.trim() === '*** End of File') {
          if (!current) throw new PatchError(`Line ${i + 1}: "*** End of File" outside a hunk.`);
          current.atEof = true;
        } else {
          if (!current) {
            current = { oldLines: [], newLines: [], atEof: false };
            hunks.push(current);
          }
          const tag = l[0];
          const rest = l.slice(1);
          if (tag === ' ' || l === '') {
            current.oldLines.push(rest);
            current.newLines.push(rest);
          } else if (tag === '-') current.oldLines.push(rest);
          else if (tag === '+') current.newLines.push(rest);
          else throw new PatchError(`Line ${i + 1}: hunk lines must start with " ", "-" or "+": ${JSON.stringify(l)}`);
        }
        i++;
      }
      if (hunks.length === 0 && !moveTo) throw new PatchError(`Update of ${p} has no hunks.`);
      ops.push({ kind: 'update', path: p, moveTo, hunks });
    } else {
      throw new PatchError(`Line ${i + 1}: expected "*** Add File:", "*** Update File:" or "*** Delete File:", got ${JSON.stringify(line)}`);
    }
  }
  if (ops.length === 0) throw new PatchError('Patch contains no file operations.');
  return ops;
}

function isFileHeader(line: string): boolean {
  return line.startsWith('*** Add File: ') || line.startsWith('*** Delete File: ') || line.startsWith('*** Update File: ');
}

/** Apply hunks to file content. Matching tries exact lines, then trailing-whitespace-insensitive, then trimmed. */
export function applyHunks(content: string, hunks: Hunk[], label: string): string {
  const hadTrailingNewline = content.endsWith('\n');
  const lines = content.split('\n');
  if (hadTrailingNewline) lines.pop();
  let cursor = 0;
  for (const [n, hunk] of hunks.entries()) {
    if (hunk.anchor) {
      const at = findSequence(lines, [hunk.anchor], cursor, false, true);
      if (at === -1) throw new PatchError(`${label}: hunk ${n + 1}: anchor "@@ ${hunk.anchor}" not found.`);
      cursor = at + 1;
    }
    let at: number;
    if (hunk.oldLines.length === 0) at = hunk.atEof ? lines.length : cursor === 0 && !hunk.anchor ? lines.length : cursor;
    else at = findSequence(lines, hunk.oldLines, cursor, hunk.atEof, false);
    if (at === -1) throw new PatchError(`${label}: hunk ${n + 1} does not match the file. Expected lines:\n${hunk.oldLines.join('\n')}`);
    lines.splice(at, hunk.oldLines.length, ...hunk.newLines);
    cursor = at + hunk.newLines.length;
  }
  return lines.join('\n') + (hadTrailingNewline || lines.length > 0 ? '\n' : '');
}

function findSequence(lines: string[], seq: string[], from: number, atEof: boolean, anchor: boolean): number {
  const normalisers: ((s: string) => string)[] = [(s) => s, (s) => s.trimEnd(), (s) => s.trim()];
  for (const norm of normalisers) {
    const want = seq.map(norm);
    const candidates = atEof ? [lines.length - seq.length] : range(from, lines.length - seq.length);
    for (const start of candidates) {
      if (start < 0) continue;
      if (anchor ? norm(lines[start]).includes(want[0]) : want.every((w, k) => norm(lines[start + k]) === w)) return start;
    }
  }
  return -1;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = from; k <= to; k++) out.push(k);
  return out;
}

const ApplyPatchParams = Type.Object(
  { input: Type.String({ minLength: 1, description: 'The patch, from "*** Begin Patch" to "*** End Patch".' }) },
  { additionalProperties: false },
);

export const applyPatchTool: AgentTool<Static<typeof ApplyPatchParams>> = {
  name: 'apply_patch',
  description:
    'Apply a patch to workspace files. Format: "*** Begin Patch", then "*** Add File: p" (lines prefixed "+"), "*** Delete File: p", or "*** Update File: p" (optional "*** Move to: q") with "@@" hunks of " " context, "-" removed and "+" added lines; end with "*** End Patch".',
  group: 'fs',
  schema: ApplyPatchParams,
  async execute(params, ctx) {
    const ops = parsePatch(params.input);
    const root = await resolveWorkspacePath(ctx.workspace, '.');
    // Resolve every path and compute every new content before touching the disk, so a bad hunk or a refused
    // path leaves nothing half-applied. Each file is then replaced atomically.
    const writes: { abs: string; content: string }[] = [];
    const deletes: string[] = [];
    const summary: string[] = [];
    for (const op of ops) {
      if (op.kind === 'add') {
        const abs = await resolveWorkspacePath(ctx.workspace, op.path, { forWrite: true });
        writes.push({ abs, content: op.lines.join('\n') + (op.lines.length > 0 ? '\n' : '') });
        summary.push(`A ${toWorkspaceRelative(root, abs)}`);
      } else if (op.kind === 'delete') {
        const abs = await resolveWorkspacePath(ctx.workspace, op.path, { mustExist: true, forWrite: true });
        deletes.push(abs);
        summary.push(`D ${toWorkspaceRelative(root, abs)}`);
      } else {
        const abs = await resolveWorkspacePath(ctx.workspace, op.path, { mustExist: true, forWrite: true });
        const before = await readFile(abs, 'utf8');
        const after = applyHunks(before, op.hunks, op.path);
        if (op.moveTo) {
          const dest = await resolveWorkspacePath(ctx.workspace, op.moveTo, { forWrite: true });
          writes.push({ abs: dest, content: after });
          if (dest !== abs) deletes.push(abs);
          summary.push(`M ${toWorkspaceRelative(root, abs)} -> ${toWorkspaceRelative(root, dest)}`);
        } else {
          writes.push({ abs, content: after });
          summary.push(`M ${toWorkspaceRelative(root, abs)}`);
        }
      }
    }
    for (const w of writes) await writeFileAtomic(w.abs, w.content);
    for (const d of deletes) await rm(d, { force: true });
    return { content: `Patch applied:\n${summary.join('\n')}`, details: { files: summary } };
  },
};
