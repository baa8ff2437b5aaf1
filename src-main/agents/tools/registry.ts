import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { applyPatchTool } from './apply-patch.js';
import { createBrowserTool, type BrowserToolOptions } from './browser.js';
import { canvasTool } from './canvas.js';
import { execTool } from './exec.js';
import { editTool, readTool, writeTool } from './fs-tools.js';
import { nodesTool } from './nodes-tool.js';
import { messageTool, sessionsHistoryTool, sessionsListTool, sessionsSendTool } from './session-tools.js';
import type { Logger } from '../../logging/index.js';
import { auditToolCall, type ToolOutcome } from './tool-audit.js';
import { ToolDeniedError, type AgentTool, type ToolContext, type ToolGroup, type ToolResult } from './types.js';
import { createWebFetchTool, type WebFetchDeps } from './web-fetch.js';

/** Content cap for any tool result the model sees. */
export const TOOL_RESULT_MAX_CHARS = 32 * 1024;

export interface ToolRegistryOptions {
  webFetch?: WebFetchDeps;
  browser?: BrowserToolOptions;
}

/** Every built-in tool. */
export function createToolRegistry(opts: ToolRegistryOptions = {}): AgentTool[] {
  const tools: AgentTool<never>[] = [
    readTool,
    writeTool,
    editTool,
    applyPatchTool,
    execTool,
    createWebFetchTool(opts.webFetch),
    createBrowserTool(opts.browser),
    sessionsListTool,
    sessionsHistoryTool,
    sessionsSendTool,
    messageTool,
    nodesTool,
    canvasTool,
  ];
  return tools as AgentTool[];
}

/** `group:*` names usable in allow/deny lists. Groups with no built-in tool yet list the upstream names. */
export const TOOL_GROUPS: Readonly<Record<`group:${ToolGroup}`, readonly string[]>> = {
  'group:fs': ['read', 'write', 'edit', 'apply_patch'],
  'group:runtime': ['exec'],
  'group:web': ['web_fetch'],
  'group:ui': ['browser', 'canvas'],
  'group:sessions': ['sessions_list', 'sessions_history', 'sessions_send'],
  'group:messaging': ['message'],
  'group:nodes': ['nodes'],
  'group:automation': ['cron', 'gateway'],
  'group:memory': ['memory_search', 'memory_get'],
  // Plugin tools are named one by one (or with a `prefix*`): which exist is only known at run time.
  'group:plugins': [],
};

/**
 * Tools refused over HTTP `/tools/invoke` unless re-enabled with `gateway.tools.allow` (the upstream list plus
 * our own writers, the browser and outbound messaging).
 */
export const HTTP_DEFAULT_DENY: readonly string[] = [
  'exec', 'spawn', 'shell', 'fs_write', 'fs_delete', 'fs_move', 'apply_patch', 'sessions_spawn', 'sessions_send', 'cron', 'gateway', 'nodes',
  'write', 'edit', 'browser', 'message', 'canvas',
];

/** One allow/deny layer (global `tools`, per agent, sandbox, HTTP). */
export interface ToolPolicyLayer {
  allow?: readonly string[];
  deny?: readonly string[];
}

/**
 * Combine layers into one predicate. A tool runs only if no layer denies it and every layer with a non-empty
 * allow list includes it: deny always wins, allow lists only narrow. Entries are case-insensitive tool names,
 * `group:*` names, or `prefix*` wildcards (`sessions_*`). An empty or absent allow list does not restrict.
 */
export function resolveToolPolicy(layers: readonly ToolPolicyLayer[]): (toolName: string) => boolean {
  const compiled = layers.map((l) => ({
    allow: l.allow && l.allow.length > 0 ? compileMatcher(l.allow) : undefined,
    deny: l.deny && l.deny.length > 0 ? compileMatcher(l.deny) : undefined,
  }));
  return (toolName) => {
    const name = toolName.trim().toLowerCase();
    for (const l of compiled) if (l.deny?.(name)) return false;
    for (const l of compiled) if (l.allow && !l.allow(name)) return false;
    return true;
  };
}

/** The effective HTTP deny list: defaults minus `gateway.tools.allow`, plus `gateway.tools.deny`. */
export function resolveHttpToolDeny(opts: { allow?: readonly string[]; deny?: readonly string[] } = {}): string[] {
  const reEnabled = compileMatcher(opts.allow ?? []);
  return [...HTTP_DEFAULT_DENY.filter((n) => !reEnabled(n)), ...(opts.deny ?? [])];
}

function compileMatcher(entries: readonly string[]): (name: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    if (e === '') continue;
    if (e in TOOL_GROUPS) for (const t of TOOL_GROUPS[e as keyof typeof TOOL_GROUPS]) exact.add(t);
    else if (e.endsWith('*')) prefixes.push(e.slice(0, -1));
    else exact.add(e);
  }
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}

/** What a model or client is told about a tool. */
export interface ToolSpec {
  name: string;
  description: string;
  /** Plain JSON Schema (TypeBox symbols stripped). */
  inputSchema: Record<string, unknown>;
}

export function toToolSpecs(tools: readonly AgentTool[]): ToolSpec[] {
  return tools.map((t) => ({ name: t.name, description: t.description, inputSchema: JSON.parse(JSON.stringify(t.schema)) as Record<string, unknown> }));
}

const validators = new WeakMap<TSchema, TypeCheck<TSchema>>();

function validatorFor(schema: TSchema): TypeCheck<TSchema> {
  let v = validators.get(schema);
  if (!v) {
    v = TypeCompiler.Compile(schema);
    validators.set(schema, v);
  }
  return v;
}

export interface RunToolOptions {
  /** Where the audit line of this call goes (the gateway passes its tools logger; every call gets one line). */
  audit?: Logger;
  /** Asked before every call (plugin `before_tool_call` hooks, a failed critical plugin): a reason blocks it. */
  beforeCall?(tool: string, params: unknown, ctx: ToolContext): Promise<string | undefined>;
}

/**
 * Run one tool: validate params (listing every problem), execute, and turn refusals and failures into an
 * `isError` result. Never throws. Content is capped at `TOOL_RESULT_MAX_CHARS` with a note. This is the one
 * place every tool call passes (agent turns and `tools.invoke`), so it writes the audit line.
 */
export async function runTool(tool: AgentTool, rawParams: unknown, ctx: ToolContext, opts: RunToolOptions = {}): Promise<ToolResult> {
  const started = performance.now();
  const check = tool.validatesOwnParams ? undefined : validatorFor(tool.schema);
  const params = rawParams ?? {};
  let result: ToolResult;
  let outcome: ToolOutcome;
  let code: string | undefined;
  const blocked = opts.beforeCall ? await opts.beforeCall(tool.name, params, ctx) : undefined;
  if (blocked) {
    result = { isError: true, content: `Blocked: ${blocked}`, details: { code: 'TOOL_BLOCKED' } };
    [outcome, code] = ['denied', 'TOOL_BLOCKED'];
  } else if (check && !check.Check(params)) {
    const problems = [...check.Errors(params)].slice(0, 20).map((e) => `- ${e.path || '(root)'}: ${e.message}`);
    result = { isError: true, content: `Invalid parameters for ${tool.name}:\n${problems.join('\n')}`, details: { code: 'INVALID_PARAMS' } };
    [outcome, code] = ['error', 'INVALID_PARAMS'];
  } else {
    try {
      if (ctx.signal.aborted) throw new Error('The run was cancelled.');
      result = await tool.execute(params, ctx);
      outcome = result.isError ? 'error' : 'ok';
      const detailCode = (result.details as { code?: unknown } | undefined)?.code;
      if (typeof detailCode === 'string') code = detailCode;
    } catch (err) {
      if (err instanceof ToolDeniedError) {
        result = { isError: true, content: `Denied: ${err.message}`, details: { code: err.code } };
        [outcome, code] = ['denied', err.code];
      } else {
        result = { isError: true, content: `${tool.name} failed: ${err instanceof Error ? err.message : String(err)}` };
        outcome = 'error';
      }
    }
  }
  if (opts.audit) {
    const exitCode = tool.name === 'exec' ? (result.details as { exitCode?: number | null } | undefined)?.exitCode : undefined;
    auditToolCall(opts.audit, { tool: tool.name, agentId: ctx.agentId, sessionKey: ctx.sessionKey, params, outcome, code, exitCode, durationMs: performance.now() - started });
  }
  return capResult(result);
}

function capResult(result: ToolResult): ToolResult {
  if (result.content.length <= TOOL_RESULT_MAX_CHARS) return result;
  const note = `\n\n[truncated: ${result.content.length} characters, capped at ${TOOL_RESULT_MAX_CHARS / 1024} KiB]`;
  return { ...result, content: result.content.slice(0, TOOL_RESULT_MAX_CHARS - note.length) + note };
}
