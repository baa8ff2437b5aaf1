/**
 * Types shared by the plugin modules: where a plugin came from, what the
 * `plugins` config section says, and a plugin's record as `plugins list`
 * shows it.
 */
import path from 'node:path';
import type { PluginKind } from '../../src-shared/plugin/api.js';
import type { PluginManifest } from '../../src-shared/plugin/manifest-schema.js';

/** Where a plugin folder was found: shipped with the app, installed by the user, or listed in `plugins.load.paths`. */
export type PluginSource = 'bundled' | 'installed' | 'path';

/** `inprocess`: imported into the gateway; `process`: its own child process speaking JSON-RPC. */
export type IsolationMode = 'inprocess' | 'process';

/** One `plugins.entries.<id>`. */
export interface PluginEntryConfig {
  enabled?: boolean;
  config?: unknown;
  isolation?: IsolationMode;
}

/** The `plugins` config section. */
export interface PluginsConfig {
  /** Global switch (default true). */
  enabled?: boolean;
  /** When non-empty, only these plugins may run. */
  allow?: string[];
  /** Never run these; wins over everything else. */
  deny?: string[];
  entries?: Record<string, PluginEntryConfig>;
  slots?: {
    /** The one memory plugin that runs (`none`: no memory plugin). */
    memory?: string;
  };
  load?: {
    /** Extra plugin folders, or folders of plugin folders. */
    paths?: string[];
  };
}

/** A manifest that could not be used, naming the file and the field. */
export interface ManifestProblem {
  file: string;
  /** Dotted field path (`channelInfo.matrix.label`), '' for the whole file. */
  field: string;
  message: string;
}

/** A plugin folder found by discovery, before any of its code ran. */
export interface PluginCandidate {
  /** The manifest's id, or the folder name when the manifest is unusable. */
  id: string;
  source: PluginSource;
  rootDir: string;
  manifestPath: string;
  /** Present when the manifest is valid. */
  manifest?: PluginManifest;
  /** Absolute entry file (from `main` or package.json `openclaw.extensions`). */
  entry?: string;
  /** Kinds, with the default applied (`channel` when it lists channels, else `skill`). */
  kinds: PluginKind[];
  /** Present when the manifest or entry is unusable. */
  problem?: ManifestProblem;
  /** Non-fatal notes (unknown manifest keys). */
  warnings: string[];
}

/** Lifecycle of a plugin in the registry. */
export type PluginState = 'not-loaded' | 'loaded' | 'failed' | 'disabled';

/** A plugin as `plugins list --json` reports it. */
export interface PluginRecord {
  id: string;
  name: string;
  description?: string;
  version?: string;
  kind: PluginKind[];
  channels: string[];
  source: PluginSource;
  rootDir: string;
  enabled: boolean;
  /** Why it is enabled or disabled, in plain words. */
  reason: string;
  state: PluginState;
  /** Import + register time of the last load. */
  loadMs?: number;
  /** Why it failed, with the fix when known. */
  error?: string;
  critical: boolean;
  isolation: IsolationMode;
  /** API version it was written for. */
  apiVersion: number;
  /** Calls into it (tools, methods, hooks, routes) that threw or timed out since it loaded. */
  callErrors: number;
  lastCallError?: string;
  /** Child-process restarts after crashes (isolation `process`). */
  restarts: number;
}

/** `<stateDir>/extensions`: where installed plugins live, one folder per id. */
export function installedPluginsDir(stateDir: string): string {
  return path.join(stateDir, 'extensions');
}

/** `<stateDir>/plugins/<id>`: a plugin's private data folder (kept on uninstall). */
export function pluginDataDir(stateDir: string, id: string): string {
  return path.join(stateDir, 'plugins', id);
}
