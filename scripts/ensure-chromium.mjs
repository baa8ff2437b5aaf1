#!/usr/bin/env node
// Makes sure Debian's chromium is at /usr/bin/chromium for Playwright (no browser download here).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** @returns {boolean} whether chromium is available afterwards */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
  if (!isRoot || !isDebian) {
    console.error(
      `ensure-chromium: ${CHROMIUM_PATH} is missing and cannot be installed automatically ` +
        `(${isDebian ? 'not running as root' : 'not a Debian system with apt-get'}). ` +
        'Install Chromium (Debian/Ubuntu: `sudo apt-get install -y chromium`) and run again.',
    );
    return false;
  }
  console.log('ensure-chromium: installing chromium with apt-get…');
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      console.error(`ensure-chromium: apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
      return false;
    }
  }
  if (!existsSync(CHROMIUM_PATH)) {
    console.error(`ensure-chromium: apt-get finished but ${CHROMIUM_PATH} is still missing`);
    return false;
  }
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(ensureChromium() ? 0 : 1);
}
