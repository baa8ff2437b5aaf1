declare const __OPENCLAW_VERSION__: string | undefined;

/** Product version: injected at build time; the source tree reports a dev version. */
export const VERSION: string = typeof __OPENCLAW_VERSION__ === 'string' ? __OPENCLAW_VERSION__ : '0.1.0-dev';
