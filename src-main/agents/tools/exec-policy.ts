import { checkGitArgs } from './git-policy.js';

/**
 * Per-program option policy for `exec`: refuses options that make an allowed program run other programs or
 * write outside its operands (tar --to-command, find -exec, git -c core.sshCommand, …).
 *
 * GNU getopt_long and git's parse-options accept any unambiguous prefix of a long option, so `--compress-prog`
 * means `--compress-program` (CVE-2026-28363). We do not know each program's full option list, so we
 * conservatively block every prefix of a blocked long option, whether or not the real program would find it
 * ambiguous; `safeExact` lists real options that are such prefixes and harmless (`tar --checkpoint`).
 */

export interface ProgramOptionPolicy {
  /** Long options (without dashes) that are refused, as are all their prefixes and `--opt=value`. */
  blockedLong: readonly string[];
  /** Long options that are prefixes of a blocked one but are real, harmless options (exact match wins in getopt). */
  safeExact?: readonly string[];
  /** Short option letters that are refused, alone or inside a cluster (`-xIf`). */
  blockedShort?: string;
  /** Short option letters that take a value (the rest of the cluster or the next argument), so it is not parsed. */
  shortWithValue?: string;
  /** Arguments refused anywhere, exactly (find's `-exec` primaries are not getopt options). */
  blockedWords?: readonly string[];
  /** tar's old style: a first argument without a dash is a cluster of short options (`tar xIf …`). */
  firstArgIsCluster?: boolean;
  /** Extra program-specific checks over the whole argument list; returns a reason to refuse. */
  check?(args: readonly string[]): string | undefined;
}

export const EXEC_OPTION_POLICIES: Readonly<Record<string, ProgramOptionPolicy>> = {
  tar: {
    // --dereference (-h) archives what links point at, which may be outside the workspace.
    blockedLong: ['to-command', 'use-compress-program', 'checkpoint-action', 'info-script', 'new-volume-script', 'rsh-command', 'rmt-command', 'index-file', 'dereference'],
    safeExact: ['checkpoint'],
    blockedShort: 'IFh',
    shortWithValue: 'bfCgHKLNTVX',
    firstArgIsCluster: true,
  },
  find: {
    blockedLong: [],
    blockedWords: ['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls'],
  },
  git: {
    blockedLong: ['upload-pack', 'receive-pack', 'exec-path', 'exec', 'config-env', 'ext-diff', 'textconv', 'output', 'template', 'separate-git-dir'],
    // Global options, subcommands and `git config` writes are allow-lists (git-policy.ts).
    check: checkGitArgs,
  },
  grep: {
    // -R follows links found while recursing, which may lead outside the workspace.
    blockedLong: ['dereference-recursive'],
    blockedShort: 'R',
    shortWithValue: 'efmABCDd',
  },
  rsync: {
    blockedLong: ['rsh', 'rsync-path', 'daemon', 'write-batch', 'only-write-batch', 'read-batch', 'log-file'],
    blockedShort: 'e',
    shortWithValue: 'BfMT',
  },
  sed: {
    blockedLong: ['in-place', 'file'],
    blockedShort: 'if',
    shortWithValue: 'el',
    check: checkSedScripts,
  },
  sort: {
    blockedLong: ['compress-program', 'output', 'temporary-directory', 'files0-from'],
    blockedShort: 'oT',
    shortWithValue: 'kStoT',
  },
  xargs: {
    // xargs exists to run other programs.
    blockedLong: [],
    check: () => 'xargs runs arbitrary programs; allow the target program directly instead',
  },
};

/** Return a reason string when `argv` uses a blocked option, else undefined. `argv[0]` is the program. */
export function checkExecOptions(argv: readonly string[], policies: Readonly<Record<string, ProgramOptionPolicy>> = EXEC_OPTION_POLICIES): string | undefined {
  if (argv.length === 0) return 'empty argv';
  const program = programName(argv[0]);
  const policy = Object.hasOwn(policies, program) ? policies[program] : undefined;
  if (!policy) return undefined;
  const args = argv.slice(1);
  const custom = policy.check?.(args);
  if (custom) return custom;

  // find's primaries are expression words, not options: they count even after `--`.
  const word = args.find((a) => policy.blockedWords?.includes(a));
  if (word) return `${program} ${word} is not allowed`;

  const blockedShort = policy.blockedShort ?? '';
  const withValue = policy.shortWithValue ?? '';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break; // everything after is an operand
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=', 1)[0];
      const hit = matchBlockedLong(name, policy);
      if (hit) return `${program} --${hit} is not allowed${hit === name ? '' : ` (--${name} abbreviates it)`}`;
      continue;
    }
    const cluster = arg.startsWith('-') && arg.length > 1 ? arg.slice(1) : i === 0 && policy.firstArgIsCluster ? arg : undefined;
    if (cluster === undefined) continue;
    for (let k = 0; k < cluster.length; k++) {
      const ch = cluster[k];
      if (blockedShort.includes(ch)) return `${program} -${ch} is not allowed`;
      if (withValue.includes(ch)) {
        // The value is the rest of the cluster, or the next argument (old-style tar takes values in order).
        if (k === cluster.length - 1) i++;
        break;
      }
    }
  }
  return undefined;
}

/** Blocked long option that `name` spells or abbreviates, if any. */
export function matchBlockedLong(name: string, policy: Pick<ProgramOptionPolicy, 'blockedLong' | 'safeExact'>): string | undefined {
  if (name === '') return undefined;
  const lower = name.toLowerCase();
  if (policy.safeExact?.includes(lower)) return undefined;
  return policy.blockedLong.find((opt) => opt.startsWith(lower));
}

/** Program name used for policy lookup: basename without a Windows `.exe`. */
export function programName(argv0: string): string {
  const base = argv0.split(/[\\/]/).pop() ?? argv0;
  return base.replace(/\.exe$/i, '').toLowerCase();
}

/**
 * sed scripts: refuse the `e` command and `s///e` (run a shell command), and `r`/`R`/`w`/`W` and `s///w`
 * (read or write arbitrary files). A heuristic over `;`/newline-separated commands; `-f script` is refused outright.
 */
function checkSedScripts(args: readonly string[]): string | undefined {
  const scripts: string[] = [];
  let explicit = false;
  let operandsOnly = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!operandsOnly && a === '--') {
      operandsOnly = true;
      continue;
    }
    if (!operandsOnly && (a === '-e' || (a.startsWith('--') && matchBlockedLong(a.slice(2).split('=', 1)[0], { blockedLong: ['expression'] }) === 'expression'))) {
      explicit = true;
      if (a.includes('=')) scripts.push(a.slice(a.indexOf('=') + 1));
      else if (i + 1 < args.length) scripts.push(args[++i]);
      continue;
    }
    if (!operandsOnly && /^-[a-zA-Z]*e./.test(a) && !a.startsWith('--')) {
      explicit = true;
      scripts.push(a.slice(a.indexOf('e') + 1));
      continue;
    }
    if (!operandsOnly && a.startsWith('-') && a.length > 1) continue;
    if (!explicit) {
      scripts.push(a);
      explicit = true;
    }
  }
  for (const script of scripts) {
    const reason = sedScriptReason(script);
    if (reason) return reason;
  }
  return undefined;
}

const SED_ADDRESS = /^\s*(?:(?:\d+(?:~\d+)?|\$|\/(?:\\.|[^/])*\/[IM]*|\\(.)(?:\\.|.)*?\1[IM]*)\s*(?:,\s*(?:\d+|\$|\/(?:\\.|[^/])*\/[IM]*|[+~]\d+)\s*)?)?!?\s*/;

function sedScriptReason(script: string): string | undefined {
  for (const raw of script.split(/[;\n]/)) {
    const cmd = raw.replace(SED_ADDRESS, '').replace(/^[{}\s]+/, '');
    if (cmd === '') continue;
    const c = cmd[0];
    if (c === 'e') return 'sed "e" command runs shell commands';
    if ('rRwW'.includes(c)) return `sed "${c}" command reads or writes other files`;
    if (c === 's' && cmd.length > 1) {
      const delim = cmd[1];
      let seen = 0;
      let k = 2;
      for (; k < cmd.length && seen < 2; k++) {
        if (cmd[k] === '\\') k++;
        else if (cmd[k] === delim) seen++;
      }
      const flags = cmd.slice(k);
      if (/^[gpiImM0-9]*e/.test(flags)) return 'sed s///e runs shell commands';
      if (/^[gpiImM0-9e]*w/.test(flags)) return 'sed s///w writes other files';
    }
  }
  return undefined;
}
