/**
 * electron-builder cannot run here (no Electron binaries), so this keeps its config honest: the
 * targets users need, the app id, every file, icon and script it names existing and valid, and the
 * built output (out/main, out/preload, out/renderer, out/node) packed. Also runs the `openclaw`
 * launcher the packages install, in the layout they install it in.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const configPath = join(ROOT, 'build', 'electron-builder.json');

interface TargetEntry {
  target: string;
  arch?: string[];
}
interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  extraResources: { from: string; to: string; filter?: string[] }[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  buildDependenciesFromSource: boolean;
  electronFuses?: Record<string, boolean>;
  mac: { icon: string; target: TargetEntry[]; entitlements?: string; entitlementsInherit?: string; category?: string };
  dmg?: { icon?: string };
  win: { icon: string; target: TargetEntry[] };
  nsis: { include?: string; installerIcon?: string; uninstallerIcon?: string; oneClick?: boolean };
  linux: { icon: string; executableName: string; target: (TargetEntry | string)[]; category?: string };
  deb: { afterInstall: string; afterRemove: string };
}

const config = JSON.parse(readFileSync(configPath, 'utf8')) as BuilderConfig;
const at = (p: string) => join(ROOT, p);

/** Which platforms get which targets and architectures. */
function targets(list: (TargetEntry | string)[]): Record<string, string[]> {
  return Object.fromEntries(list.map((t) => (typeof t === 'string' ? [t, ['x64']] : [t.target, t.arch ?? ['x64']])));
}

function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(buf.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Files matched by one electron-builder glob (`dir/**`, or a file; a `*` segment matches any one folder). */
function matches(glob: string): string[] {
  const star = glob.split('/').indexOf('*');
  if (star >= 0) {
    const parts = glob.split('/');
    const base = parts.slice(0, star).join('/');
    const dirs = existsSync(at(base)) ? readdirSync(at(base), { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
    return dirs.flatMap((d) => matches([...parts.slice(0, star), d.name, ...parts.slice(star + 1)].join('/')));
  }
  if (glob.endsWith('/**')) {
    const dir = at(glob.slice(0, -3));
    return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [];
  }
  return existsSync(at(glob)) ? [glob] : [];
}

describe('electron-builder config', () => {
  it('has the app id and product name the app and its launchers use', () => {
    expect(config.appId).toMatch(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('OpenClaw');
    const pkg = JSON.parse(readFileSync(at('package.json'), 'utf8')) as { main: string; bin: Record<string, string> };
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.bin.openclaw).toBe('bin/openclaw.js');
  });

  it('builds a dmg for Intel and Apple silicon, an NSIS installer, an AppImage and a deb', () => {
    expect(targets(config.mac.target)).toMatchObject({ dmg: expect.arrayContaining(['x64', 'arm64']), zip: expect.arrayContaining(['x64', 'arm64']) });
    expect(targets(config.win.target)).toMatchObject({ nsis: expect.arrayContaining(['x64']) });
    expect(Object.keys(targets(config.linux.target)).sort()).toEqual(['AppImage', 'deb']);
  });

  it('packs the built main, preload, renderer and CLI, and leaves build leftovers out', () => {
    for (const dir of ['out/main/**', 'out/preload/**', 'out/renderer/**', 'out/node-page/**', 'out/node/**']) expect(config.files).toContain(dir);
    expect(config.files).toContain('bin/openclaw.js');
    expect(config.files).toEqual(expect.arrayContaining(['!out/tsc/**', '!out/bench/**']));
    for (const glob of config.files.filter((f) => !f.startsWith('!') && !f.startsWith('out/'))) expect(matches(glob), glob).not.toEqual([]);
  });

  it('ships the bundled plugins (manifests and built entries) and the plugin process host', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/plugin-child/**', 'extensions/*/package.json', 'extensions/*/openclaw.plugin.json', 'extensions/*/dist/**']));
    // A plugin child may read its host's folder under Node's permission model: keep it outside the archive.
    expect(config.asarUnpack).toContain('out/plugin-child/**');
    // Each bundled plugin is a dependency of the app, so its platform SDK is packed with the app's modules.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const id of matches('extensions/*/openclaw.plugin.json').map((f) => f.split('/')[1])) {
      const own = JSON.parse(readFileSync(join(ROOT, 'extensions', id!, 'package.json'), 'utf8')) as { name: string };
      expect(pkg.dependencies[own.name], own.name).toBeDefined();
    }
  });

  it('rebuilds native modules for Electron and keeps better-sqlite3 outside the asar archive', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/better-sqlite3/**', '**/*.node']));
    // The CLI launchers run the app binary as Node: that fuse must stay on.
    expect(config.electronFuses?.runAsNode).toBe(true);
  });

  it('names only files that exist: icons, entitlements, installer script, deb scripts, extra resources', () => {
    const named = [
      config.mac.icon,
      config.dmg?.icon,
      config.mac.entitlements,
      config.mac.entitlementsInherit,
      config.win.icon,
      config.nsis.include,
      config.nsis.installerIcon,
      config.nsis.uninstallerIcon,
      config.linux.icon,
      config.deb.afterInstall,
      config.deb.afterRemove,
      ...config.extraResources.map((r) => r.from),
    ].filter((p): p is string => Boolean(p));
    for (const p of named) expect(existsSync(at(p)), p).toBe(true);
    for (const r of config.extraResources) for (const f of r.filter ?? []) expect(existsSync(join(at(r.from), f)), `${r.from}/${f}`).toBe(true);
    expect(readFileSync(at(config.mac.entitlements!), 'utf8')).toContain('com.apple.security.cs.allow-jit');
  });

  it('ships real icons: a 1024 px PNG, Linux PNG sizes, an ICO up to 256 px and an ICNS up to 1024 px', () => {
    expect(pngSize(readFileSync(at('resources/icon.png')))).toEqual({ width: 1024, height: 1024 });
    const linux = readdirSync(at(config.linux.icon)).sort();
    expect(linux).toEqual(expect.arrayContaining(['16x16.png', '32x32.png', '48x48.png', '128x128.png', '256x256.png', '512x512.png']));
    for (const f of linux) {
      const n = Number(/^(\d+)x\1\.png$/.exec(f)?.[1]);
      expect(pngSize(readFileSync(join(at(config.linux.icon), f)))).toEqual({ width: n, height: n });
    }

    const ico = readFileSync(at(config.win.icon));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => {
      const e = 6 + 16 * i;
      const size = ico[e] || 256;
      const [len, off] = [ico.readUInt32LE(e + 8), ico.readUInt32LE(e + 12)];
      expect(off + len).toBeLessThanOrEqual(ico.length);
      expect(pngSize(ico.subarray(off, off + len))).toEqual({ width: size, height: size });
      return size;
    });
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));

    const icns = readFileSync(at(config.mac.icon));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types: string[] = [];
    for (let o = 8; o < icns.length; ) {
      const len = icns.readUInt32BE(o + 4);
      expect(len).toBeGreaterThan(8);
      types.push(icns.toString('ascii', o, o + 4));
      pngSize(icns.subarray(o + 8, o + len));
      o += len;
    }
    expect(types).toEqual(expect.arrayContaining(['ic07', 'ic08', 'ic09', 'ic10']));
  });

  it('installs the openclaw command: launchers name the packaged executables, and each installer links them', () => {
    const sh = readFileSync(at('build/cli/openclaw'), 'utf8');
    expect(sh.startsWith('#!/bin/sh\n')).toBe(true);
    if (process.platform !== 'win32') expect(statSync(at('build/cli/openclaw')).mode & 0o111).toBe(0o111);
    expect(sh).toContain(`MacOS/${config.productName}"`);
    expect(sh).toContain(`/${config.linux.executableName}"`);
    expect(sh).toContain('app.asar/bin/openclaw.js');
    const cmd = readFileSync(at('build/cli/openclaw.cmd'), 'utf8');
    expect(cmd).toContain(`${config.productName}.exe`);
    expect(cmd.split('\n').every((l) => l === '' || l.endsWith('\r'))).toBe(true);
    expect(readFileSync(at(config.nsis.include!), 'utf8')).toMatch(/customInstall[\s\S]*resources\\cli[\s\S]*customUnInstall/);
    expect(readFileSync(at(config.deb.afterInstall), 'utf8')).toContain("ln -sf '/opt/${sanitizedProductName}/resources/cli/openclaw' /usr/bin/openclaw");
    expect(readFileSync(at(config.deb.afterRemove), 'utf8')).toContain('rm -f /usr/bin/openclaw');
  });

  it.runIf(process.platform === 'linux')('the launcher, linked onto PATH, runs the CLI with the app binary as Node', () => {
    // The deb layout: /opt/OpenClaw/{openclaw-desktop, resources/{app.asar, cli/openclaw}}, linked from /usr/bin.
    const dir = mkdtempSync(join(tmpdir(), 'openclaw-launcher-'));
    try {
      const opt = join(dir, 'opt', 'OpenClaw');
      mkdirSync(join(opt, 'resources', 'cli'), { recursive: true });
      writeFileSync(join(opt, 'resources', 'cli', 'openclaw'), readFileSync(at('build/cli/openclaw')), { mode: 0o755 });
      // The packed app, unpacked: this checkout (its bin/openclaw.js and out/node).
      symlinkSync(ROOT, join(opt, 'resources', 'app.asar'));
      // Electron stands in as what ELECTRON_RUN_AS_NODE makes it: Node.
      writeFileSync(join(opt, config.linux.executableName), `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo 'not run as node' >&2; exit 9; }\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
      mkdirSync(join(dir, 'bin'));
      symlinkSync(join(opt, 'resources', 'cli', 'openclaw'), join(dir, 'bin', 'openclaw'));
      const version = (JSON.parse(readFileSync(at('package.json'), 'utf8')) as { version: string }).version;
      expect(execFileSync(join(dir, 'bin', 'openclaw'), ['--version'], { encoding: 'utf8' }).trim()).toBe(version);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('updates', () => {
  it('publish to a generic HTTPS feed named at packaging time', () => {
    const publish = (config as unknown as { publish: { provider: string; url: string }[] }).publish;
    expect(publish).toEqual([expect.objectContaining({ provider: 'generic', url: '${env.OPENCLAW_UPDATE_FEED_URL}' })]);
  });
});
