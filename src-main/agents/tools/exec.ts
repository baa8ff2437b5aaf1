import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { checkExecOptions } from './exec-policy.js';
import { ToolDeniedError, type AgentTool, type SandboxRuntime } from './types.js';
import { resolveWorkspacePath } from './workspace-path.js';

/** Per-stream output cap; the tail is kept because errors and summaries come last. */
export const EXEC_OUTPUT_CAP = 64 * 1024;
/** Grace period between SIGTERM and SIGKILL on timeout or abort. */
const KILL_GRACE_MS = 1000;

/**
 * Environment keys a caller may not set: they make a program load code, change how programs are found,
 * or redirect git and friends to other programs. Refused with an error rather than silently dropped.
 */
const DENIED_ENV = new Set([
  'PATH', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'BASH_ENV', 'ENV', 'IFS', 'SHELLOPTS', 'PS4', 'PROMPT_COMMAND',
  'NODE_OPTIONS', 'NODE_PATH', 'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PERL5OPT', 'PERL5LIB', 'PERLLIB', 'RUBYOPT', 'RUBYLIB',
  'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_EXEC_PATH', 'GIT_ASKPASS', 'SSH_ASKPASS', 'GIT_EDITOR', 'GIT_PAGER', 'PAGER', 'EDITOR', 'VISUAL',
  'GIT_EXTERNAL_DIFF', 'GIT_PROXY_COMMAND', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_TEMPLATE_DIR', 'TAR_OPTIONS', 'HOME', 'TMPDIR', 'SHELL',
]);
const DENIED_ENV_PREFIX = ['LD_', 'DYLD_', 'GIT_CONFIG', 'BASH_FUNC_'];
/** Host variables passed through; everything else (API keys, tokens) stays out of the child. */
const PASSTHROUGH_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'USER', 'LOGNAME'];

const ExecParams = Type.Object(
  {
    argv: Type.Array(Type.String(), { minItems: 1, description: 'Program and arguments. No shell: metacharacters, globs and $VAR are passed literally.' }),
    cwd: Type.Optional(Type.String({ description: 'Working directory, relative to the workspace.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Timeout in ms (capped by the configured exec timeout).' })),
    env: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Extra environment variables.' })),
  },
  { additionalProperties: false },
);
export type ExecParams = Static<typeof ExecParams>;

export interface ExecOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

export const execTool: AgentTool<ExecParams> = {
  name: 'exec',
  description: 'Run an allowed program with an argv array (no shell). Returns exit code, stdout and stderr (64 KiB each, tail kept).',
  group: 'runtime',
  schema: ExecParams,
  async execute(params, ctx) {
    if (ctx.sandbox) return executeInSandbox(params, ctx, ctx.sandbox);
    const program = await resolveAllowedProgram(params.argv[0], ctx.execAllow, process.env.PATH ?? '');
    const reason = checkExecOptions(params.argv);
    if (reason) throw new ToolDeniedError(`Refused: ${reason}.`, 'EXEC_OPTION_DENIED');
    const env = buildChildEnv(params.env ?? {});
    const cwd = await resolveWorkspacePath(ctx.workspace, params.cwd ?? '.', { mustExist: true });
    if (!(await stat(cwd)).isDirectory()) throw new ToolDeniedError(`cwd is not a directory: ${params.cwd}`, 'PATH_INVALID');
    const timeoutMs = Math.min(params.timeoutMs ?? ctx.execTimeoutMs, ctx.execTimeoutMs);
    const out = await runProcess(program, params.argv.slice(1), { cwd, env, timeoutMs, signal: ctx.signal });
    return { content: formatOutcome(out, timeoutMs), isError: out.exitCode !== 0, details: { ...out, program } };
  },
};

/**
 * The same rules inside a sandbox container: the program must be listed by bare name (the host PATH means
 * nothing there), options are checked, and the cwd is the container path of a directory inside the workspace.
 */
async function executeInSandbox(params: ExecParams, ctx: Parameters<AgentTool<ExecParams>['execute']>[1], sandbox: SandboxRuntime) {
  const argv0 = params.argv[0] ?? '';
  if (!argv0 || argv0.includes('/') || !ctx.execAllow.includes(argv0)) {
    throw new ToolDeniedError(`Program not allowed: ${argv0}. Allowed: ${ctx.execAllow.join(', ') || '(none)'}.`, 'EXEC_NOT_ALLOWED');
  }
  const reason = checkExecOptions(params.argv);
  if (reason) throw new ToolDeniedError(`Refused: ${reason}.`, 'EXEC_OPTION_DENIED');
  if (params.env && Object.keys(params.env).length) buildChildEnv(params.env);
  const hostCwd = await resolveWorkspacePath(ctx.workspace, params.cwd ?? '.', { mustExist: true });
  const rel = path.relative(await realpath(ctx.workspace), hostCwd).split(path.sep).join('/');
  const cwdInContainer = rel ? `${sandbox.containerWorkdir}/${rel}` : sandbox.containerWorkdir;
  const timeoutMs = Math.min(params.timeoutMs ?? ctx.execTimeoutMs, ctx.execTimeoutMs);
  const { file, args } = await sandbox.execArgv(params.argv, cwdInContainer);
  // The Docker CLI itself may need its own settings (DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG).
  const dockerEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('DOCKER_')));
  const out = await runProcess(file, args, { cwd: hostCwd, env: { ...buildChildEnv({}), ...dockerEnv }, timeoutMs, signal: ctx.signal });
  return { content: formatOutcome(out, timeoutMs), isError: out.exitCode !== 0, details: { ...out, container: sandbox.container } };
}

/**
 * `argv[0]` must be allowed: a bare name listed in `allow` (resolved through PATH to an absolute file), or an
 * absolute path listed exactly (a bare name whose PATH resolution equals a listed absolute path also passes).
 * Relative paths with a slash are never allowed. Returns the absolute path that will be spawned.
 */
export async function resolveAllowedProgram(argv0: string, allow: readonly string[], searchPath: string): Promise<string> {
  if (argv0 === '' || argv0.includes('\0')) throw new ToolDeniedError('argv[0] is empty or invalid.', 'EXEC_NOT_ALLOWED');
  if (argv0.includes('/') || argv0.includes('\\')) {
    if (path.isAbsolute(argv0) && allow.includes(argv0) && (await isExecutableFile(argv0))) return argv0;
    throw new ToolDeniedError(`Program not allowed: ${argv0}. Allowed: ${allow.join(', ') || '(none)'}.`, 'EXEC_NOT_ALLOWED');
  }
  const resolved = await whichProgram(argv0, searchPath);
  if (resolved && (allow.includes(argv0) || allow.includes(resolved))) return resolved;
  if (allow.includes(argv0)) throw new ToolDeniedError(`Program ${argv0} is allowed but was not found on PATH.`, 'EXEC_NOT_FOUND');
  throw new ToolDeniedError(`Program not allowed: ${argv0}. Allowed: ${allow.join(', ') || '(none)'}.`, 'EXEC_NOT_ALLOWED');
}

async function whichProgram(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue; // relative PATH entries would depend on cwd
    const candidate = path.join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Minimal host env plus the caller's extras; refused keys throw `ToolDeniedError` (`EXEC_ENV_DENIED`). */
export function buildChildEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const refused = Object.keys(extra).filter((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || DENIED_ENV.has(k.toUpperCase()) || DENIED_ENV_PREFIX.some((p) => k.toUpperCase().startsWith(p)));
  if (refused.length > 0) throw new ToolDeniedError(`Environment variables not allowed: ${refused.join(', ')}.`, 'EXEC_ENV_DENIED');
  const env: NodeJS.ProcessEnv = {};
  for (const k of PASSTHROUGH_ENV) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...extra };
}

/** Spawn without a shell in its own process group; kill the group on timeout or abort. */
export function runProcess(file: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; signal?: AbortSignal }): Promise<ExecOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...args], { cwd: opts.cwd, env: opts.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout = new TailBuffer(EXEC_OUTPUT_CAP);
    const stderr = new TailBuffer(EXEC_OUTPUT_CAP);
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // group already gone
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    const onAbort = () => stop();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (drainTimer) clearTimeout(drainTimer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (err) => {
      finish();
      reject(err);
    });
    child.on('exit', () => {
      // A grandchild holding the pipes open must not hang the tool: give it a moment, then end the group.
      drainTimer = setTimeout(() => killGroup('SIGKILL'), 500);
    });
    child.on('close', (code, signal) => {
      finish();
      resolve({ exitCode: code, signal, timedOut, stdout: stdout.text(), stderr: stderr.text(), stdoutTruncated: stdout.truncated, stderrTruncated: stderr.truncated });
    });
  });
}

class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > this.cap * 2) this.compact();
  }
  text(): string {
    this.compact();
    return Buffer.concat(this.chunks).toString('utf8');
  }
  private compact(): void {
    if (this.size <= this.cap) return;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all.subarray(all.length - this.cap)];
    this.size = this.cap;
    this.truncated = true;
  }
}

function formatOutcome(out: ExecOutcome, timeoutMs: number): string {
  const parts: string[] = [];
  if (out.timedOut) parts.push(`Timed out after ${timeoutMs} ms; the process group was killed.`);
  parts.push(`exit code: ${out.exitCode ?? 'none'}${out.signal ? ` (signal ${out.signal})` : ''}`);
  const section = (name: string, text: string, truncated: boolean) => {
    if (text === '' && !truncated) return;
    parts.push(`${name}${truncated ? ` (truncated: last ${EXEC_OUTPUT_CAP / 1024} KiB shown)` : ''}:\n${text}`);
  };
  section('stdout', out.stdout, out.stdoutTruncated);
  section('stderr', out.stderr, out.stderrTruncated);
  return parts.join('\n');
}
