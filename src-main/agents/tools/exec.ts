import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { resolveConfigPaths } from '../../config/paths.js';
import { buildChildEnv, checkCallerEnv, createExecSandboxDir, sanitizeSearchPath } from './exec-env.js';
import { checkPathArguments } from './exec-paths.js';
import { checkExecOptions, programName } from './exec-policy.js';
import { checkGitRepositories } from './git-repo-check.js';
import { ToolDeniedError, type AgentTool, type SandboxRuntime, type ToolContext } from './types.js';
import { isInside, resolveWorkspacePath } from './workspace-path.js';

/** Per-stream output cap; the tail is kept because errors and summaries come last. */
export const EXEC_OUTPUT_CAP = 64 * 1024;
/** Grace period between SIGTERM and SIGKILL on timeout or abort. */
const KILL_GRACE_MS = 1000;

const ExecParams = Type.Object(
  {
    argv: Type.Array(Type.String(), { minItems: 1, description: 'Program and arguments. No shell: metacharacters, globs and $VAR are passed literally. Paths must stay inside the workspace.' }),
    cwd: Type.Optional(Type.String({ description: 'Working directory, relative to the workspace.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Timeout in ms (capped by the configured exec timeout).' })),
    env: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Extra environment variables: only LANG, LC_*, TZ, TERM, NO_COLOR, CI, COLUMNS, GIT_AUTHOR_*/GIT_COMMITTER_* and similar.' })),
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
  description: 'Run an allowed program with an argv array (no shell), confined to the workspace. Returns exit code, stdout and stderr (64 KiB each, tail kept).',
  group: 'runtime',
  schema: ExecParams,
  async execute(params, ctx) {
    try {
      return await executeAllowed(params, ctx, ctx.execAllow);
    } catch (err) {
      // Not on the allow-list: where the owner is asked (tools.exec.ask: on-miss), their answer decides. Only a
      // bare program name can be allowed this way; every other guard (options, paths, environment) still applies.
      const argv0 = params.argv[0] ?? '';
      if (!(err instanceof ToolDeniedError) || err.code !== 'EXEC_NOT_ALLOWED' || !ctx.askExec || !argv0 || argv0.includes('/')) throw err;
      const decision = await ctx.askExec({ argv: [...params.argv], cwd: params.cwd ?? '.' });
      if (decision === 'deny') throw new ToolDeniedError(`The owner did not allow running ${argv0} (or did not answer in time).`, 'EXEC_DENIED');
      return executeAllowed(params, ctx, [...ctx.execAllow, argv0]);
    }
  },
};

async function executeAllowed(params: ExecParams, ctx: ToolContext, allow: readonly string[]) {
  if (ctx.sandbox) return executeInSandbox(params, ctx, ctx.sandbox, allow);
  const timeoutMs = Math.min(params.timeoutMs ?? ctx.execTimeoutMs, ctx.execTimeoutMs);
  const out = await runConfinedProgram({
    argv: params.argv,
    cwd: params.cwd ?? '.',
    env: params.env,
    allow,
    workspace: ctx.workspace,
    protectedDirs: [ctx.stateDir ?? resolveConfigPaths().stateDir],
    timeoutMs,
    signal: ctx.signal,
  });
  return { content: formatOutcome(out, timeoutMs), isError: out.exitCode !== 0, details: out };
}

export interface ConfinedRunRequest {
  argv: readonly string[];
  /** Working directory, relative to the workspace. */
  cwd: string;
  /** Caller variables; only the allow-list in exec-env.ts passes. */
  env?: Readonly<Record<string, string>>;
  /** Programs that may run (`tools.exec.allow`, `node run --allow-run`). */
  allow: readonly string[];
  /** The folder every path argument must stay in. */
  workspace: string;
  /** Folders the program must never reach (the state dir); exec refuses to run while the workspace contains one. */
  protectedDirs: readonly string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Run one program on the host, confined. The guards, in order:
 * 1. the workspace must not contain a protected folder (programs walk their cwd: `grep -r`, `git add -A`);
 * 2. `argv[0]` is on the allow-list, found through a PATH without relative or workspace entries;
 * 3. per-program option policy (exec-policy.ts; git's allow-lists in git-policy.ts);
 * 4. caller environment variables on the allow-list (exec-env.ts);
 * 5. the cwd and every argument that could be a path resolve inside the workspace (exec-paths.ts);
 * 6. for git, every repository it could open keeps to the workspace and configures no program (git-repo-check.ts);
 * 7. the child gets a scrubbed environment with HOME, XDG and temp folders in a private per-run directory,
 *    pagers and editors that run nothing, and git without system, global or command-running settings.
 */
export async function runConfinedProgram(req: ConfinedRunRequest): Promise<ExecOutcome & { program: string }> {
  const argv0 = req.argv[0] ?? '';
  const workspace = await realpath(req.workspace);
  const protectedDirs = await Promise.all(req.protectedDirs.map((d) => realpath(d).catch(() => path.resolve(d))));
  const held = protectedDirs.find((d) => isInside(workspace, d));
  if (held) {
    throw new ToolDeniedError(
      `exec is off: the workspace ${workspace} contains the gateway's state directory ${held} (credentials, config). Give the agent a workspace that does not contain it.`,
      'EXEC_STATE_DIR',
    );
  }
  const searchPath = sanitizeSearchPath(process.env.PATH ?? '', [workspace, path.resolve(req.workspace), ...protectedDirs]);
  const program = await resolveAllowedProgram(argv0, req.allow, searchPath);
  const reason = checkExecOptions(req.argv);
  if (reason) throw new ToolDeniedError(`Refused: ${reason}.`, 'EXEC_OPTION_DENIED');
  checkCallerEnv(req.env ?? {});
  const cwd = await resolveWorkspacePath(workspace, req.cwd, { mustExist: true });
  if (!(await stat(cwd)).isDirectory()) throw new ToolDeniedError(`cwd is not a directory: ${req.cwd}`, 'PATH_INVALID');
  await checkPathArguments(req.argv.slice(1), { cwd, workspace });
  const sandbox = await createExecSandboxDir();
  try {
    const env = buildChildEnv({ sandbox, searchPath, gitCeiling: path.dirname(workspace), extra: req.env });
    if (programName(argv0) === 'git') await checkGitRepositories({ git: program, env, cwd, workspace, scratch: sandbox.root });
    const out = await runProcess(program, req.argv.slice(1), { cwd, env, timeoutMs: req.timeoutMs, signal: req.signal });
    return { ...out, program };
  } finally {
    await sandbox.remove();
  }
}

/**
 * The same rules inside a sandbox container: the program must be listed by bare name (the host PATH means
 * nothing there), options and environment variables are checked, and the cwd is the container path of a
 * directory inside the workspace. The container itself confines paths (only the workspace is mounted).
 */
async function executeInSandbox(params: ExecParams, ctx: ToolContext, sandbox: SandboxRuntime, allow: readonly string[]) {
  const argv0 = params.argv[0] ?? '';
  if (!argv0 || argv0.includes('/') || !allow.includes(argv0)) {
    throw new ToolDeniedError(`Program not allowed: ${argv0}. Allowed: ${allow.join(', ') || '(none)'}.`, 'EXEC_NOT_ALLOWED');
  }
  const reason = checkExecOptions(params.argv);
  if (reason) throw new ToolDeniedError(`Refused: ${reason}.`, 'EXEC_OPTION_DENIED');
  checkCallerEnv(params.env ?? {});
  const hostCwd = await resolveWorkspacePath(ctx.workspace, params.cwd ?? '.', { mustExist: true });
  const rel = path.relative(await realpath(ctx.workspace), hostCwd).split(path.sep).join('/');
  const cwdInContainer = rel ? `${sandbox.containerWorkdir}/${rel}` : sandbox.containerWorkdir;
  const timeoutMs = Math.min(params.timeoutMs ?? ctx.execTimeoutMs, ctx.execTimeoutMs);
  const { file, args } = await sandbox.execArgv(params.argv, cwdInContainer);
  const out = await runProcess(file, args, { cwd: hostCwd, env: dockerCliEnv(), timeoutMs, signal: ctx.signal });
  return { content: formatOutcome(out, timeoutMs), isError: out.exitCode !== 0, details: { ...out, container: sandbox.container } };
}

/** The Docker CLI (not the agent's program) needs PATH, its own config under HOME, and DOCKER_* settings. */
function dockerCliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (k === 'PATH' || k === 'HOME' || k.startsWith('DOCKER_')) env[k] = v;
  return env;
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
