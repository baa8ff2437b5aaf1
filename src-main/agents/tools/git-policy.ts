/**
 * What `exec` lets git do, as allow-lists: global options, subcommands, and the repository config keys git may
 * find in a repository it opens. Anything not listed is refused with a reason, because git has many ways to run
 * a program (aliases, drivers, hooks, pagers, editors, remote helpers, credential helpers, ssh, gpg) and to read
 * files elsewhere (includes, alternates, work trees, excludes files, remote paths), and new ones appear.
 */

/** Options before the subcommand that only change how git prints or matches. */
const GLOBAL_FLAGS = new Set([
  '--no-pager', '-P', '-p', '--paginate', '--no-replace-objects', '--literal-pathspecs', '--glob-pathspecs',
  '--noglob-pathspecs', '--icase-pathspecs', '--no-optional-locks', '--version',
]);

/**
 * Subcommands exec runs. Read-only views, local history edits, and transfers over http(s), git:// or from
 * repositories inside the workspace (ssh and remote helpers are off in the child's environment).
 * Left out on purpose: `submodule` and `worktree` (clone or check out outside, run `update` commands),
 * `difftool`/`mergetool`/`help`/`instaweb`/`web--browse` (start viewers and tools), `filter-branch`,
 * `for-each-repo`, `hook`, `send-email`, `svn`/`p4`/`cvs*`, `daemon`/`http-backend`/`upload-pack` and the
 * other server sides, `credential*`, `maintenance` (schedules jobs), `gc`, `update-index`/`update-ref` and
 * other plumbing that writes objects or refs directly, `config --file/--global/--system`, `var`.
 */
const SUBCOMMANDS = new Set([
  // views
  'status', 'log', 'show', 'diff', 'blame', 'annotate', 'shortlog', 'describe', 'rev-parse', 'rev-list', 'ls-files',
  'ls-tree', 'cat-file', 'grep', 'show-ref', 'for-each-ref', 'name-rev', 'merge-base', 'reflog', 'count-objects',
  'check-ignore', 'check-attr', 'diff-tree', 'diff-index', 'diff-files', 'range-diff', 'show-branch', 'cherry', 'version',
  // local changes
  'init', 'add', 'rm', 'mv', 'restore', 'checkout', 'switch', 'branch', 'tag', 'commit', 'stash', 'reset', 'merge',
  'rebase', 'cherry-pick', 'revert', 'clean', 'apply', 'format-patch', 'notes', 'config', 'archive', 'bisect',
  // transfers
  'clone', 'fetch', 'pull', 'push', 'ls-remote', 'remote',
]);

/** Merge strategies built into git; any other name makes git run `git-merge-<name>` from PATH or the cwd. */
const STRATEGIES = new Set(['ort', 'recursive', 'resolve', 'octopus', 'ours', 'subtree']);
const STRATEGY_SUBCOMMANDS = new Set(['merge', 'pull', 'rebase', 'cherry-pick', 'revert']);

/** Long options refused for every subcommand, and per subcommand (each also in its abbreviated forms). */
const REFUSED_LONG = ['help', 'recurse-submodules', 'open-files-in-pager', 'unsafe-paths'];
const REFUSED_LONG_BY_SUB: Readonly<Record<string, readonly string[]>> = {
  // A new repository with its own config, or submodules cloned from URLs in .gitmodules.
  clone: ['config', 'recursive'],
  // Runs `git upload-archive` on a remote.
  archive: ['remote'],
};
const TRANSFER_SUBCOMMANDS = new Set(['clone', 'fetch', 'pull', 'push', 'ls-remote', 'remote']);

/** Return why git `args` (argv without `git`) are refused, or undefined. */
export function checkGitArgs(args: readonly string[]): string | undefined {
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const a = args[i];
    if (a === '--version' && i === args.length - 1) return undefined;
    if (!GLOBAL_FLAGS.has(a)) {
      if (/^-[cC]/.test(a)) return `git ${a.slice(0, 2)} is not allowed${a.startsWith('-C') ? ' (set the exec cwd instead)' : ''}`;
      return `git option ${a.split('=')[0]} before the subcommand is not allowed`;
    }
  }
  const sub = args[i];
  if (sub === undefined) return 'git needs a subcommand';
  if (!SUBCOMMANDS.has(sub)) return `git ${sub} is not allowed (exec runs: ${[...SUBCOMMANDS].join(', ')})`;
  const rest = args.slice(i + 1);
  const operandsEnd = rest.indexOf('--');
  const options = operandsEnd < 0 ? rest : rest.slice(0, operandsEnd);
  const refusedLong = [...REFUSED_LONG, ...(REFUSED_LONG_BY_SUB[sub] ?? [])];

  for (let k = 0; k < options.length; k++) {
    const a = options[k];
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=', 1)[0].toLowerCase();
      // Abbreviations count (git's parse-options accepts unambiguous prefixes); two letters are never unambiguous here.
      const hit = name.length >= 3 ? refusedLong.find((o) => o.startsWith(name)) : undefined;
      if (hit) return `git ${sub} --${hit} is not allowed`;
      if (STRATEGY_SUBCOMMANDS.has(sub) && name.length >= 3 && 'strategy'.startsWith(name)) {
        const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : options[k + 1];
        if (!STRATEGIES.has(value ?? '')) return `git ${sub} --strategy ${value ?? ''} is not allowed (built-in strategies: ${[...STRATEGIES].join(', ')})`;
      }
      continue;
    }
    if (!a.startsWith('-') || a === '-') continue;
    const cluster = a.slice(1);
    if (sub === 'grep' && cluster.includes('O')) return 'git grep -O (open files in a program) is not allowed';
    if (sub === 'rebase' && cluster.includes('x')) return 'git rebase -x (run a command) is not allowed';
    if (sub === 'clone' && /[uc]/.test(cluster)) return `git clone ${a} is not allowed (upload-pack or config for the new repository)`;
    if ((sub === 'merge' || sub === 'pull' || sub === 'rebase') && cluster.includes('s')) {
      const value = cluster.slice(cluster.indexOf('s') + 1) || options[k + 1];
      if (!STRATEGIES.has(value ?? '')) return `git ${sub} -s ${value ?? ''} is not allowed (built-in strategies: ${[...STRATEGIES].join(', ')})`;
    }
  }
  if (sub === 'bisect' && options.find((a) => !a.startsWith('-')) === 'run') return 'git bisect run (runs a command) is not allowed';
  if (sub === 'config') return checkGitConfigArgs(options, operandsEnd < 0 ? [] : rest.slice(operandsEnd + 1));
  if (TRANSFER_SUBCOMMANDS.has(sub)) {
    for (const a of rest) {
      if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(a)) return `git remote helper ${JSON.stringify(a.slice(0, a.indexOf('::') + 2))} is not allowed`;
    }
  }
  // A remote written to the config must pass the same check the repository check applies later.
  const words = rest.filter((a) => !a.startsWith('-'));
  if (sub === 'remote' && (words[0] === 'add' || words[0] === 'set-url') && words.length >= 3) return checkRemoteUrl('the remote URL', words[words.length - 1]);
  return undefined;
}

const CONFIG_REFUSED = ['global', 'system', 'file', 'blob', 'edit', 'includes', 'rename-section'];
const CONFIG_READS = ['get', 'get-all', 'get-regexp', 'get-urlmatch', 'get-color', 'get-colorbool', 'list', 'unset', 'unset-all', 'remove-section', 'name-only', 'show-origin', 'show-scope'];
const CONFIG_WITH_VALUE = ['type', 'default', 'comment'];

/**
 * `git config`: reads and removals of any key in the repository's own config; writes only of keys that
 * `checkRepoConfigEntry` accepts. Other files (`--file`, `--global`, `--system`, `--blob`) and the editor are refused.
 */
function checkGitConfigArgs(options: readonly string[], afterDashes: readonly string[]): string | undefined {
  const operands: string[] = [];
  let reading = false;
  for (let k = 0; k < options.length; k++) {
    const a = options[k];
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=', 1)[0].toLowerCase();
      const refused = CONFIG_REFUSED.find((o) => name !== '' && o.startsWith(name));
      if (refused && name.length >= 2) return `git config --${refused} is not allowed`;
      if (CONFIG_READS.includes(name)) reading = true;
      if (CONFIG_WITH_VALUE.includes(name) && !a.includes('=')) k++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (/[fe]/.test(a.slice(1))) return `git config ${a} is not allowed`;
      if (a.includes('l')) reading = true;
      continue;
    }
    operands.push(a);
  }
  operands.push(...afterDashes);
  // git 2.46+ spells the action as a word: `git config set|get|list|unset|rename-section|remove-section|edit`.
  const verb = operands[0];
  if (verb === 'edit' || verb === 'rename-section') return `git config ${verb} is not allowed`;
  if (verb === 'get' || verb === 'list' || verb === 'unset' || verb === 'remove-section') return undefined;
  const [key, value] = verb === 'set' ? operands.slice(1) : operands;
  if (reading || key === undefined || value === undefined) return undefined;
  return checkRepoConfigEntry(key, value);
}

const CORE_KEYS = [
  'repositoryformatversion', 'filemode', 'bare', 'logallrefupdates', 'ignorecase', 'precomposeunicode', 'symlinks',
  'autocrlf', 'eol', 'safecrlf', 'quotepath', 'whitespace', 'abbrev', 'compression', 'loosecompression',
  'bigfilethreshold', 'sparsecheckout', 'sparsecheckoutcone', 'untrackedcache', 'commitgraph', 'multipackindex',
  'checkstat', 'trustctime', 'splitindex', 'preloadindex', 'fscache', 'longpaths', 'warnambiguousrefs', 'commentchar',
  'fsync', 'fsyncmethod', 'fsyncobjectfiles', 'createobject', 'sharedrepository', 'hidedotfiles', 'deltabasecachelimit',
  'packedgitlimit', 'packedgitwindowsize', 'filesreflocktimeout', 'packedrefstimeout', 'checkroundtripencoding', 'notesref',
];

/**
 * Repository config keys git may find, by section: `names` for `section.name`, `subNames` for
 * `section.<anything>.name`, `'*'` for any name. None of them names a program, an include, or a file to read;
 * `remote.*.url` values are checked by `checkRepoConfigEntry`, `core.worktree` by the repository check.
 */
const REPO_CONFIG: Readonly<Record<string, { names?: readonly string[] | '*'; subNames?: readonly string[] | '*' }>> = {
  core: { names: CORE_KEYS },
  extensions: { names: ['objectformat', 'worktreeconfig', 'preciousobjects', 'partialclone', 'refstorage', 'noop'] },
  user: { names: ['name', 'email', 'useconfigonly'] },
  author: { names: ['name', 'email'] },
  committer: { names: ['name', 'email'] },
  init: { names: ['defaultbranch'] },
  color: { names: '*', subNames: '*' },
  advice: { names: '*' },
  column: { names: '*' },
  pretty: { names: '*' },
  diff: { names: ['renames', 'renamelimit', 'algorithm', 'mnemonicprefix', 'noprefix', 'context', 'interhunkcontext', 'colormoved', 'colormovedws', 'indentheuristic', 'submodule', 'ignoresubmodules', 'statgraphwidth', 'relative', 'suppressblankempty', 'wserrorhighlight', 'dirstat', 'autorefreshindex', 'srcprefix', 'dstprefix'] },
  merge: { names: ['ff', 'conflictstyle', 'log', 'renames', 'renamelimit', 'stat', 'autostash', 'defaulttoupstream', 'directoryrenames', 'verbosity', 'branchdesc'] },
  pull: { names: ['rebase', 'ff'] },
  push: { names: ['default', 'autosetupremote', 'followtags'] },
  fetch: { names: ['prune', 'prunetags', 'parallel', 'writecommitgraph', 'showforcedupdates', 'output'] },
  rebase: { names: ['autosquash', 'autostash', 'stat', 'updaterefs', 'abbreviatecommands', 'missingcommitscheck', 'instructionformat', 'forkpoint', 'backend'] },
  status: { names: ['showuntrackedfiles', 'short', 'branch', 'relativepaths', 'submodulesummary', 'aheadbehind', 'renames', 'renamelimit', 'showstash'] },
  log: { names: ['date', 'decorate', 'abbrevcommit', 'follow', 'graphcolors', 'mailmap', 'showroot', 'excludedecoration', 'diffmerges'] },
  format: { names: ['pretty'] },
  gc: { names: ['auto', 'autopacklimit', 'autodetach', 'reflogexpire', 'reflogexpireunreachable', 'pruneexpire', 'worktreepruneexpire', 'writecommitgraph'] },
  index: { names: ['version', 'threads', 'skiphash', 'sparse'] },
  feature: { names: ['manyfiles', 'experimental'] },
  i18n: { names: ['commitencoding', 'logoutputencoding'] },
  rerere: { names: ['enabled', 'autoupdate'] },
  commit: { names: ['cleanup', 'status', 'verbose'] },
  tag: { names: ['sort'] },
  blame: { names: ['date', 'showemail', 'blankboundary', 'showroot', 'coloring', 'markunblamablelines', 'markignoredlines'] },
  grep: { names: ['linenumber', 'extendedregexp', 'patterntype', 'column', 'fullname', 'fallbacktonoindex', 'threads'] },
  checkout: { names: ['defaultremote', 'workers', 'thresholdforparallelism', 'guess'] },
  worktree: { names: ['guessremote'] },
  pack: { names: ['threads', 'windowmemory', 'window', 'depth', 'compression', 'usebitmaps', 'writebitmaphashcache', 'packsizelimit'] },
  protocol: { names: ['version'] },
  apply: { names: ['whitespace', 'ignorewhitespace'] },
  branch: { names: ['autosetupmerge', 'autosetuprebase', 'sort'], subNames: ['remote', 'pushremote', 'merge', 'rebase', 'description'] },
  remote: { names: ['pushdefault'], subNames: ['url', 'pushurl', 'fetch', 'push', 'tagopt', 'prune', 'prunetags', 'mirror', 'skipdefaultupdate', 'skipfetchall', 'promisor', 'partialclonefilter'] },
};

/** `section`, optional subsection and `name` of a config key, with section and name lowercased as git does. */
export function splitConfigKey(key: string): { section: string; sub?: string; name: string } | undefined {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  if (first <= 0 || last === key.length - 1) return undefined;
  const section = key.slice(0, first).toLowerCase();
  const name = key.slice(last + 1).toLowerCase();
  return first === last ? { section, name } : { section, sub: key.slice(first + 1, last), name };
}

/**
 * Why a repository config entry is refused, or undefined. `value` is checked where it names a location
 * (`remote.*.url`). `core.worktree` is refused here; the repository check accepts it only where it names the
 * work tree the repository already has (absorbed submodules write it).
 */
export function checkRepoConfigEntry(key: string, value: string | undefined): string | undefined {
  const parts = splitConfigKey(key);
  const rule = parts ? REPO_CONFIG[parts.section] : undefined;
  const list = parts?.sub === undefined ? rule?.names : rule?.subNames;
  const allowed = parts && list !== undefined && (list === '*' || list.includes(parts.name));
  if (!allowed) {
    return `config key ${key} is not allowed (it can run a program, load other config, or reach files outside the workspace)`;
  }
  if (parts?.section === 'remote' && (parts.name === 'url' || parts.name === 'pushurl') && value !== undefined) return checkRemoteUrl(key, value);
  return undefined;
}

/**
 * A remote is a network URL (`https://`, `http://`, `git://`) or an absolute local path (checked against the
 * workspace by the caller through `localRemotePath`). Remote helpers (`x::…`) and relative paths are refused.
 */
function checkRemoteUrl(key: string, url: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) return `${key} uses a remote helper, which is not allowed`;
  if (/^(https?|git):\/\//i.test(url)) return undefined;
  if (localRemotePath(url) === undefined) return `${key} ${JSON.stringify(url)} is neither a network URL nor an absolute path`;
  return undefined;
}

/** The local path a remote URL names (`file://…` or an absolute path), or undefined for anything else. */
export function localRemotePath(url: string): string | undefined {
  if (/^file:\/\//i.test(url)) {
    try {
      return decodeURIComponent(new URL(url).pathname);
    } catch {
      return undefined;
    }
  }
  if (url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url)) return url;
  return undefined;
}
