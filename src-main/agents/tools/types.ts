import type { TSchema } from '@sinclair/typebox';

/** Tool groups for `tools.allow` / `tools.deny` (`group:fs`, …). */
export type ToolGroup = 'fs' | 'runtime' | 'web' | 'ui' | 'sessions' | 'messaging' | 'nodes' | 'automation' | 'memory' | 'plugins';

/** What a tool run may touch. Built per turn by the runtime; tools never reach for globals. */
export interface ToolContext {
  agentId: string;
  sessionKey: string;
  /** Absolute, realpath'd workspace root. File tools stay inside it. */
  workspace: string;
  signal: AbortSignal;
  /** `tools.exec.allow`: program names (or absolute paths) exec may run. Empty: exec refuses everything. */
  execAllow: readonly string[];
  execTimeoutMs: number;
  /**
   * `tools.exec.ask: on-miss`: a program outside `execAllow` asks the owner instead of failing. Resolves with
   * the owner's decision (`deny` when unanswered in time). Absent: such programs fail at once.
   */
  askExec?(req: { argv: string[]; cwd: string }): Promise<'allow-once' | 'allow-always' | 'deny'>;
  /** `tools.web.fetch.allowPrivate`. */
  webAllowPrivate: boolean;
  webMaxBytes: number;
  /** Injected services for the sessions and messaging tools (absent when the runtime has none). */
  services: ToolServices;
  /** Set when the session's tools run in a sandbox container; `workspace` is then the host side of its mount. */
  sandbox?: SandboxRuntime;
  /**
   * The gateway's state directory (config, credentials, token, database): never reachable through `exec`, which
   * refuses to run at all while the workspace contains it. Unset: the default for this process's environment.
   */
  stateDir?: string;
}

/** A sandbox container as the tools see it. */
export interface SandboxRuntime {
  container: string;
  /** The host directory mounted into the container (file tools work here). */
  hostWorkspace: string;
  /** Where that directory appears inside the container. */
  containerWorkdir: string;
  /** `workspaceAccess: ro`: file writes are refused. */
  readOnly: boolean;
  /** Start the container if needed and return the argv that runs `argv` inside it. */
  execArgv(argv: readonly string[], cwdInContainer: string): Promise<{ file: string; args: string[] }>;
}

export interface ToolServices {
  listSessions?(opts: { agentId?: string; limit?: number }): Promise<{ sessionKey: string; agentId: string; updatedAtMs: number; messageCount: number; title?: string }[]>;
  sessionHistory?(opts: { sessionKey: string; limit?: number }): Promise<{ role: string; text: string; timestampMs: number }[]>;
  sendToSession?(opts: { sessionKey: string; message: string }): Promise<{ runId: string }>;
  sendMessage?(opts: { channel: string; to: string; accountId?: string; text: string }): Promise<{ messageId?: string }>;
  /** `allowedCommands`: the declared commands that would run now (approved, allowed for the platform). */
  listNodes?(): Promise<{ nodeId: string; displayName?: string; platform?: string; connected: boolean; commands: string[]; allowedCommands?: string[] }[]>;
  invokeNode?(req: { nodeId: string; command: string; params?: unknown; timeoutMs: number }): Promise<{ ok: boolean; payload?: unknown; error?: { code: string; message: string } }>;
  /** The gateway's canvas host: one folder and one unguessable URL per session. */
  canvas?: CanvasServices;
}

/** What the `canvas` tool needs from the canvas host. */
export interface CanvasServices {
  /** The session's canvas folder (created on first use); files are served from here. */
  dir(agentId: string, sessionKey: string): string;
  /** Where a file of the session's canvas is served: a path on the gateway's origin and a full URL. */
  url(agentId: string, sessionKey: string, relPath: string): { path: string; url: string };
}

export interface ToolResult {
  /** Text the model sees. Capped by the runtime. */
  content: string;
  isError?: boolean;
  /** Structured result for clients (HTTP `/tools/invoke`, events). */
  details?: unknown;
}

/** A tool: name, schema, and an execute function. Params are validated against `schema` before `execute`. */
export interface AgentTool<P = unknown> {
  name: string;
  description: string;
  group: ToolGroup;
  schema: TSchema;
  /** The tool checks its own params (a plugin tool with a plain JSON Schema); the runner does not compile `schema`. */
  validatesOwnParams?: boolean;
  /** The plugin that provides it: such tools are not invoked directly (RPC/HTTP) unless `gateway.tools.allow` names them. */
  pluginId?: string;
  execute(params: P, ctx: ToolContext): Promise<ToolResult>;
}

/** A refusal by a tool's safety checks (path escape, blocked address, argv not allowed). The model sees the message. */
export class ToolDeniedError extends Error {
  override readonly name = 'ToolDeniedError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
