#!/usr/bin/env node
// Makes sure the Debian programs the tests run for real are installed: Chromium for Playwright (no browser
// download here) and the servers some integration tests start on loopback. Installs what is missing with
// apt-get where it can (root on Debian); elsewhere says what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** What the tests run, by the file that proves it is installed. */
export const SYSTEM_TOOLS = [
  { path: CHROMIUM_PATH, pkg: 'chromium', for: 'the Control UI tests (Playwright)' },
  { path: '/usr/sbin/ngircd', pkg: 'ngircd', for: 'the Twitch chat tests (a real IRC server)' },
  { path: '/usr/bin/espeak-ng', pkg: 'espeak-ng', for: 'the voice-call tests (real speech)' },
  { path: '/usr/bin/sox', pkg: 'sox', for: 'the voice-call tests (speech as phone audio)' },
  { path: '/usr/sbin/haproxy', pkg: 'haproxy', for: 'the high-availability tests (a real load balancer)' },
  { path: '/usr/sbin/nginx', pkg: 'nginx-light', for: 'the remote-mode tests (a real reverse proxy)' },
];

/**
 * @param {{ path: string; pkg: string; for: string }[]} tools
 * @returns {boolean} whether every tool is available afterwards
 */
export function ensureSystemTools(tools = SYSTEM_TOOLS) {
  const missing = tools.filter((t) => !existsSync(t.path));
  if (!missing.length) return true;
  const names = missing.map((t) => t.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
  if (!isRoot || !isDebian) {
    console.error(
      `ensure-system-tools: missing ${missing.map((t) => `${t.pkg} (${t.for})`).join(', ')}, and they cannot be installed automatically ` +
        `(${isDebian ? 'not running as root' : 'not a Debian system with apt-get'}). Install them (Debian/Ubuntu: \`sudo apt-get install -y ${names.join(' ')}\`) and run again.`,
    );
    return false;
  }
  console.log(`ensure-system-tools: installing ${names.join(', ')} with apt-get…`);
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...names]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      console.error(`ensure-system-tools: apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
      return false;
    }
  }
  const still = missing.filter((t) => !existsSync(t.path));
  if (still.length) console.error(`ensure-system-tools: apt-get finished but ${still.map((t) => t.path).join(', ')} is still missing`);
  return still.length === 0;
}

/** Chromium alone (the browser e2e step). */
export const ensureChromium = () => ensureSystemTools(SYSTEM_TOOLS.filter((t) => t.path === CHROMIUM_PATH));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(ensureSystemTools() ? 0 : 1);
}
