import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Type, type Static } from '@sinclair/typebox';
import { writeFileAtomic } from './fs-write.js';
import type { AgentTool } from './types.js';
import { resolveWorkspacePath, toWorkspaceRelative } from './workspace-path.js';

/** Output cap for `read`: beyond this the result is cut at a line boundary with a note. */
export const READ_MAX_BYTES = 256 * 1024;

const ReadParams = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'File path, relative to the workspace.' }),
    offset: Type.Optional(Type.Integer({ minimum: 1, description: '1-based line to start at.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Maximum number of lines to return.' })),
  },
  { additionalProperties: false },
);

export const readTool: AgentTool<Static<typeof ReadParams>> = {
  name: 'read',
  description: 'Read a text file from the workspace. Use offset/limit (lines) for large files.',
  group: 'fs',
  schema: ReadParams,
  async execute(params, ctx) {
    const abs = await resolveWorkspacePath(ctx.workspace, params.path, { mustExist: true });
    const st = await stat(abs);
    if (st.isDirectory()) return { content: `${params.path} is a directory.`, isError: true };
    if (await looksBinary(abs)) return { content: `${params.path} looks like a binary file (${st.size} bytes); not shown.`, isError: true };

    const start = params.offset ?? 1;
    const limit = params.limit ?? Number.POSITIVE_INFINITY;
    const lines: string[] = [];
    let bytes = 0;
    let lineNo = 0;
    let capped = false;
    let more = false;
    const rl = createInterface({ input: createReadStream(abs, { encoding: 'utf8' }), crlfDelay: Infinity });
    try {
      for await (const line of rl) {
        lineNo++;
        if (lineNo < start) continue;
        if (lines.length >= limit) {
          more = true;
          break;
        }
        const size = Buffer.byteLength(line, 'utf8') + 1;
        if (bytes + size > READ_MAX_BYTES) {
          capped = true;
          if (lines.length === 0) lines.push(line.slice(0, READ_MAX_BYTES));
          break;
        }
        bytes += size;
        lines.push(line);
      }
    } finally {
      rl.close();
    }
    const end = start + lines.length - 1;
    let content = lines.join('\n');
    if (capped) content += `\n\n[truncated: output is capped at ${READ_MAX_BYTES / 1024} KiB; showed lines ${start}-${end}; continue with offset=${end + 1}]`;
    else if (more) content += `\n\n[more lines follow; continue with offset=${end + 1}]`;
    if (lines.length === 0 && lineNo < start && st.size > 0) content = `[${params.path} has ${lineNo} lines; offset ${start} is past the end]`;
    return { content, details: { path: toWorkspaceRelative(await realWs(ctx.workspace), abs), startLine: start, endLine: end, truncated: capped } };
  },
};

const WriteParams = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'File path, relative to the workspace.' }),
    content: Type.String({ description: 'Full new file content.' }),
  },
  { additionalProperties: false },
);

export const writeTool: AgentTool<Static<typeof WriteParams>> = {
  name: 'write',
  description: 'Create or overwrite a file in the workspace with the given content. Parent directories are created.',
  group: 'fs',
  schema: WriteParams,
  async execute(params, ctx) {
    const abs = await resolveWorkspacePath(ctx.workspace, params.path, { forWrite: true });
    await writeFileAtomic(abs, params.content);
    const rel = toWorkspaceRelative(await realWs(ctx.workspace), abs);
    const bytes = Buffer.byteLength(params.content, 'utf8');
    return { content: `Wrote ${bytes} bytes to ${rel}.`, details: { path: rel, bytes } };
  },
};

const EditParams = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'File path, relative to the workspace.' }),
    oldText: Type.String({ minLength: 1, description: 'Exact text to replace. Must match exactly once unless replaceAll is set.' }),
    newText: Type.String({ description: 'Replacement text.' }),
    replaceAll: Type.Optional(Type.Boolean({ description: 'Replace every occurrence.' })),
  },
  { additionalProperties: false },
);

export const editTool: AgentTool<Static<typeof EditParams>> = {
  name: 'edit',
  description: 'Replace exact text in a workspace file. oldText must match exactly once (include surrounding lines to disambiguate), or set replaceAll.',
  group: 'fs',
  schema: EditParams,
  async execute(params, ctx) {
    const abs = await resolveWorkspacePath(ctx.workspace, params.path, { mustExist: true, forWrite: true });
    const original = await readFile(abs, 'utf8');
    const count = countOccurrences(original, params.oldText);
    if (count === 0) {
      const hint = original.includes(params.oldText.trim()) ? ' (it matches after trimming whitespace: check leading/trailing spaces and newlines)' : '';
      return { content: `oldText was not found in ${params.path}${hint}. Read the file and copy the text exactly.`, isError: true };
    }
    if (count > 1 && !params.replaceAll) {
      return { content: `oldText matches ${count} times in ${params.path}. Include more surrounding context so it matches once, or set replaceAll: true.`, isError: true };
    }
    if (params.oldText === params.newText) return { content: 'oldText and newText are identical; nothing to change.', isError: true };
    const updated = params.replaceAll ? original.split(params.oldText).join(params.newText) : original.replace(params.oldText, () => params.newText);
    await writeFileAtomic(abs, updated);
    const rel = toWorkspaceRelative(await realWs(ctx.workspace), abs);
    return { content: `Edited ${rel}: ${count} replacement${count === 1 ? '' : 's'}.`, details: { path: rel, replacements: count } };
  },
};

function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) count++;
  return count;
}

async function looksBinary(abs: string): Promise<boolean> {
  const fh = await open(abs, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).includes(0);
  } finally {
    await fh.close();
  }
}

async function realWs(workspace: string): Promise<string> {
  return resolveWorkspacePath(workspace, '.');
}
