import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window's options. Security settings are fixed here, not left to defaults: the renderer is
 * isolated and sandboxed, has no Node, and reaches the gateway only through the preload bridge.
 */
export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 760,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'OpenClaw',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** Where the window may navigate: only the bundled renderer file itself. */
export function isAllowedNavigation(target: string, rendererUrl: string): boolean {
  try {
    const t = new URL(target);
    const r = new URL(rendererUrl);
    return t.protocol === r.protocol && t.host === r.host && t.pathname === r.pathname;
  } catch {
    return false;
  }
}

/** Links the renderer opens go to the system browser, and only if they are http(s). */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
