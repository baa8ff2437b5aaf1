import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildChildEnv, checkCallerEnv, createExecSandboxDir, gitSafetyConfig, sanitizeSearchPath, type ExecSandboxDir } from './exec-env.js';

// `true` = accepted.
const CALLER: [Record<string, string>, boolean][] = [
  [{ LANG: 'en_US.UTF-8' }, true],
  [{ LC_ALL: 'C' }, true],
  [{ LC_MESSAGES: 'fr_FR@euro' }, true],
  [{ LANGUAGE: 'fr:en' }, true],
  [{ TZ: 'Europe/Paris' }, true],
  [{ TZ: ':America/New_York' }, true],
  [{ TZ: 'EST5EDT,M3.2.0,M11.1.0' }, true],
  [{ TERM: 'xterm-256color' }, true],
  [{ NO_COLOR: '1', CI: 'true', COLUMNS: '120' }, true],
  [{ GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z' }, true],
  [{ SOURCE_DATE_EPOCH: '1700000000' }, true],
  // values that name files
  [{ LANG: '/tmp/evil-locale' }, false],
  [{ TZ: '/etc/shadow' }, false],
  [{ TZ: ':/etc/shadow' }, false],
  [{ TZ: '../../etc/shadow' }, false],
  [{ TERM: '../../tmp/terminfo' }, false],
  [{ GIT_AUTHOR_NAME: 'a\nb' }, false],
  // names outside the allow-list
  ...['PATH', 'HOME', 'TMPDIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'LD_PRELOAD', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS', 'PYTHONSTARTUP', 'BASH_ENV',
    'PAGER', 'EDITOR', 'VISUAL', 'LESSOPEN', 'MANPAGER', 'GIT_PAGER', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR', 'GIT_EXTERNAL_DIFF', 'GIT_SSH', 'GIT_SSH_COMMAND',
    'GIT_ASKPASS', 'SSH_ASKPASS', 'GIT_TRACE', 'GIT_TRACE2', 'GIT_TRACE_PACKET', 'GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_CONFIG', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_GLOBAL',
    'GIT_CONFIG_NOSYSTEM', 'GIT_EXEC_PATH', 'GIT_TEMPLATE_DIR', 'GIT_PROXY_COMMAND', 'GIT_ALLOW_PROTOCOL', 'GIT_CEILING_DIRECTORIES', 'GREETING',
    'lang', 'BAD KEY'].map((name): [Record<string, string>, boolean] => [{ [name]: 'x' }, false]),
];

describe('caller environment: an allow-list', () => {
  it.each(CALLER)('%j -> %s', (env, ok) => {
    if (ok) expect(() => checkCallerEnv(env)).not.toThrow();
    else expect(() => checkCallerEnv(env)).toThrow(expect.objectContaining({ code: 'EXEC_ENV_DENIED' }));
  });

  it('names every refused variable and what is accepted', () => {
    expect(() => checkCallerEnv({ GIT_TRACE: '1', XDG_CONFIG_HOME: 'x', LANG: 'C' })).toThrow(/not allowed: GIT_TRACE, XDG_CONFIG_HOME\. exec accepts only LANG/);
  });
});

describe('child environment', () => {
  let sb: ExecSandboxDir | undefined;
  afterEach(async () => {
    await sb?.remove();
    sb = undefined;
  });

  it('keeps no host secret, points HOME/XDG/TMPDIR into the run directory, and neutralises pagers, editors and git config', async () => {
    sb = await createExecSandboxDir();
    process.env.OPENCLAW_TEST_API_KEY = 'sk-host-secret';
    process.env.GIT_DIR = '/etc';
    try {
      const env = buildChildEnv({ sandbox: sb, searchPath: '/usr/bin:/bin', gitCeiling: '/srv', extra: { TZ: 'UTC' } });
      expect(env.OPENCLAW_TEST_API_KEY).toBeUndefined();
      expect(env.GIT_DIR).toBeUndefined();
      expect(env).toMatchObject({
        PATH: '/usr/bin:/bin',
        HOME: sb.home,
        TMPDIR: sb.tmp,
        TZ: 'UTC',
        PAGER: 'cat',
        GIT_PAGER: 'cat',
        EDITOR: 'false',
        VISUAL: 'false',
        GIT_EDITOR: 'false',
        GIT_SEQUENCE_EDITOR: 'false',
        LESSSECURE: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: sb.gitGlobalConfig,
        GIT_TERMINAL_PROMPT: '0',
        GIT_CEILING_DIRECTORIES: '/srv',
        GIT_ALLOW_PROTOCOL: 'https:http:git:file',
      });
      for (const k of ['XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME']) expect(env[k]!.startsWith(sb.root + path.sep)).toBe(true);
      const pairs = gitSafetyConfig(sb);
      expect(Number(env.GIT_CONFIG_COUNT)).toBe(pairs.length);
      expect(pairs.map(([k]) => k)).toEqual(expect.arrayContaining(['core.fsmonitor', 'core.hooksPath', 'core.pager', 'core.editor', 'sequence.editor', 'credential.helper', 'safe.bareRepository']));
      pairs.forEach(([k, v], i) => expect([env[`GIT_CONFIG_KEY_${i}`], env[`GIT_CONFIG_VALUE_${i}`]]).toEqual([k, v]));
      expect(readFileSync(sb.gitGlobalConfig, 'utf8')).toBe('');
      expect(existsSync(sb.noHooks)).toBe(false);
      expect(statSync(sb.root).mode & 0o077).toBe(0);
    } finally {
      delete process.env.OPENCLAW_TEST_API_KEY;
      delete process.env.GIT_DIR;
    }
  });

  it('the run directory is removed afterwards', async () => {
    sb = await createExecSandboxDir();
    const root = sb.root;
    await sb.remove();
    expect(existsSync(root)).toBe(false);
  });

  it('PATH loses relative entries and entries inside the workspace or state dir', () => {
    const p = ['/usr/local/bin', '', '.', 'bin', '/ws/tools', '/ws', '/home/u/.openclaw/bin', '/usr/bin', '/ws-other/bin'].join(path.delimiter);
    expect(sanitizeSearchPath(p, ['/ws', '/home/u/.openclaw']).split(path.delimiter)).toEqual(['/usr/local/bin', '/usr/bin', '/ws-other/bin']);
  });
});
