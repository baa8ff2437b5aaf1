#!/usr/bin/env node
// `npm start`: the desktop app when Electron can run here, otherwise the headless gateway.
// Also exports findElectronBinary() / hasDisplay() for e2e/electron.spec.ts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where the Electron binary is, or why there is none. Mirrors node_modules/electron/index.js but never
 * triggers its download fallback (plain `require('electron')` starts a download when the binary is missing).
 * @returns {{ ok: true, path: string } | { ok: false, reason: string }}
 */
export function findElectronBinary(env = process.env) {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { ok: false, reason: 'node_modules/electron/path.txt is missing, so its binary download never ran' };
  }
  const executable = readFileSync(pathFile, 'utf8').trim();
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron')
    : join(pkgDir, 'dist', executable);
  if (!existsSync(binary)) return { ok: false, reason: `${binary} does not exist` };
  return { ok: true, path: binary };
}

/** Whether a GUI can open: macOS and Windows always, elsewhere only with an X11 or Wayland display. */
export function hasDisplay(platform = process.platform, env = process.env) {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Run a child with inherited stdio, forward SIGINT/SIGTERM to it, and exit with its status.
 * The child gets its own process group so a terminal Ctrl-C reaches it once (through us), not twice:
 * the gateway treats a second SIGINT as "stop now".
 */
function runForwarding(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', detached: process.platform !== 'win32' });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  process.on('exit', () => forward('SIGTERM'));
  child.on('error', (err) => {
    console.error(`start: could not run ${command}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + ({ SIGINT: 2, SIGTERM: 15 }[signal] ?? 1) : 1);
  });
}

function runNodeScriptSync(script, args = []) {
  const r = spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function main() {
  const extraArgs = process.argv.slice(2);
  const electron = findElectronBinary();
  const display = hasDisplay();

  if (electron.ok && display) {
    if (!existsSync(join(root, 'out/main/index.js'))) {
      runNodeScriptSync('node_modules/electron-vite/bin/electron-vite.js', ['build']);
    }
    runForwarding(electron.path, ['.', ...extraArgs]);
    return;
  }

  const why = !electron.ok ? `Electron binary not installed (${electron.reason})` : 'No display (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  console.log(`${why}; running the headless gateway instead.`);
  if (!existsSync(join(root, 'out/renderer/index.html'))) runNodeScriptSync('scripts/build-renderer.mjs');
  const cli = join(root, 'bin/openclaw.js');
  if (!existsSync(cli)) {
    console.error(`start: ${cli} is missing; run \`npm run build:node\` first.`);
    process.exit(1);
  }
  runForwarding(process.execPath, [cli, 'gateway', ...extraArgs]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
