/** Injected at build time from package.json (see electron.vite.config.ts). */
declare const __OPENCLAW_VERSION__: string | undefined;

interface Window {
  /** Present only inside the desktop app: the preload bridge (src-preload/index.ts). */
  openclaw?: import('./client/types').OpenClawBridge;
}
