/**
 * Finds plugin folders in ordered roots: bundled (`<app>/extensions/*`),
 * installed (`<stateDir>/extensions/*`), then `plugins.load.paths`. Runs on
 * the start-up path, so it only lists folders and reads each manifest (plus
 * package.json when the manifest names no entry); no plugin code is imported
 * and no dependency is looked at.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MANIFEST_FILE, readCandidate } from './manifest.js';
import { installedPluginsDir, type PluginCandidate, type PluginSource } from './types.js';

/** Where to look. Every field is optional so tests and tools can scan one root. */
export interface DiscoveryRoots {
  /** The app's own `extensions/` folder. */
  bundledDir?: string;
  /** The state directory; installed plugins are in `<stateDir>/extensions`. */
  stateDir?: string;
  /** `plugins.load.paths`: a plugin folder, or a folder of plugin folders. `~/` is the home folder. */
  paths?: readonly string[];
  /** Home folder for `~/` (default: the OS home). */
  homeDir?: string;
}

/** A second folder with an id already taken by an earlier root. */
export interface DuplicatePlugin {
  id: string;
  kept: { source: PluginSource; rootDir: string };
  ignored: { source: PluginSource; rootDir: string };
}

/** Everything discovery found. */
export interface DiscoveryResult {
  /** One per usable id (first root wins), plus every folder whose manifest is unusable, in root order. */
  candidates: PluginCandidate[];
  duplicates: DuplicatePlugin[];
}

/** Scans the roots in order; never throws (an unreadable folder becomes a candidate with a problem). */
export function discoverPlugins(roots: DiscoveryRoots): DiscoveryResult {
  const found: PluginCandidate[] = [];
  const seenDirs = new Set<string>();
  const add = (dir: string, source: PluginSource) => {
    const resolved = path.resolve(dir);
    if (seenDirs.has(resolved)) return;
    seenDirs.add(resolved);
    found.push(readCandidate(resolved, source));
  };

  if (roots.bundledDir) for (const dir of pluginFolders(roots.bundledDir)) add(dir, 'bundled');
  if (roots.stateDir) for (const dir of pluginFolders(installedPluginsDir(roots.stateDir))) add(dir, 'installed');
  for (const raw of roots.paths ?? []) {
    const p = expandHome(raw, roots.homeDir);
    if (fs.existsSync(path.join(p, MANIFEST_FILE))) add(p, 'path');
    else if (isDirectory(p)) for (const dir of pluginFolders(p)) add(dir, 'path');
    else found.push({ id: path.basename(p), source: 'path', rootDir: p, manifestPath: path.join(p, MANIFEST_FILE), kinds: [], warnings: [], problem: { file: p, field: '', message: 'folder not found (listed in plugins.load.paths)' } });
  }

  const candidates: PluginCandidate[] = [];
  const duplicates: DuplicatePlugin[] = [];
  const byId = new Map<string, PluginCandidate>();
  for (const c of found) {
    if (!c.manifest) {
      candidates.push(c);
      continue;
    }
    const first = byId.get(c.id);
    if (first) {
      duplicates.push({ id: c.id, kept: { source: first.source, rootDir: first.rootDir }, ignored: { source: c.source, rootDir: c.rootDir } });
      continue;
    }
    byId.set(c.id, c);
    candidates.push(c);
  }
  return { candidates, duplicates };
}

/** Sub-folders of a root, sorted for a stable order; hidden folders (install staging) and node_modules are skipped. */
function pluginFolders(root: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = path.join(root, e.name);
    // A symlinked plugin folder (a developer's checkout) counts; a symlink to a file does not.
    if (e.isDirectory() || (e.isSymbolicLink() && isDirectory(full))) dirs.push(full);
  }
  return dirs.sort();
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function expandHome(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return path.resolve(p);
}
