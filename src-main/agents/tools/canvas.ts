import { stat } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { writeFileAtomic } from './fs-write.js';
import { ToolDeniedError, type AgentTool } from './types.js';
import { resolveWorkspacePath, toWorkspaceRelative } from './workspace-path.js';

/** A canvas page is a page, not a data store. */
export const CANVAS_MAX_BYTES = 2 * 1024 * 1024;

const Params = Type.Object(
  {
    action: Type.Union([Type.Literal('write'), Type.Literal('show')], {
      description: "write: save a file to this conversation's canvas; show: get its URL, and with nodeId show it on that device",
    }),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'File inside the canvas (default index.html), e.g. index.html, chart.svg, app.js.' })),
    content: Type.Optional(Type.String({ description: 'write: the full file content (HTML, CSS, JS, SVG…). Pages run sandboxed and cannot fetch from the network.' })),
    nodeId: Type.Optional(Type.String({ minLength: 1, description: 'show: a node (from the nodes tool) that should display the page.' })),
  },
  { additionalProperties: false },
);

/**
 * `canvas`: the agent writes HTML into its session's canvas and shows it, on
 * the gateway (a scoped URL) or on a node's screen (`canvas.show`). Every path
 * goes through the workspace-path chokepoint with the canvas folder as root.
 */
export const canvasTool: AgentTool<Static<typeof Params>> = {
  name: 'canvas',
  description:
    'Write HTML pages (with CSS/JS/SVG files) to a private canvas for this conversation and show them: returns a URL only this conversation knows, and can put the page on a paired device (node) screen.',
  group: 'ui',
  schema: Params,
  async execute(p, ctx) {
    const canvas = ctx.services.canvas;
    if (!canvas) return { content: 'The canvas host is not available in this runtime.', isError: true };
    const root = canvas.dir(ctx.agentId, ctx.sessionKey);
    const rel = p.path ?? 'index.html';
    if (p.action === 'write') {
      if (p.content === undefined) return { content: 'write needs content.', isError: true };
      const bytes = Buffer.byteLength(p.content, 'utf8');
      if (bytes > CANVAS_MAX_BYTES) return { content: `The file is ${bytes} bytes; a canvas file may be at most ${CANVAS_MAX_BYTES / 1024 / 1024} MiB.`, isError: true };
      const abs = await resolveWorkspacePath(root, rel, { forWrite: true });
      await writeFileAtomic(abs, p.content);
      const where = canvas.url(ctx.agentId, ctx.sessionKey, toWorkspaceRelative(root, abs));
      return { content: `Wrote ${bytes} bytes to the canvas: ${where.url}`, details: { ...where, bytes } };
    }
    const abs = await resolveWorkspacePath(root, rel, { mustExist: true });
    if ((await stat(abs)).isDirectory()) throw new ToolDeniedError(`${rel} is a folder; show a file such as index.html.`, 'PATH_INVALID');
    const where = canvas.url(ctx.agentId, ctx.sessionKey, toWorkspaceRelative(root, abs));
    if (!p.nodeId) return { content: `The canvas page is at ${where.url}`, details: where };
    if (!ctx.services.invokeNode) return { content: 'Nodes are not available in this runtime.', isError: true };
    const r = await ctx.services.invokeNode({ nodeId: p.nodeId, command: 'canvas.show', params: where, timeoutMs: 30_000 });
    return r.ok
      ? { content: `Showing ${where.url} on node ${p.nodeId}.`, details: { ...where, nodeId: p.nodeId, result: r.payload } }
      : { content: `${r.error?.code ?? 'FAILED'}: ${r.error?.message ?? 'the node did not answer'}`, isError: true, details: { ...where, nodeId: p.nodeId, error: r.error } };
  },
};
