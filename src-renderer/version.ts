/** The app version, injected at build time; tests and unbundled runs see a dev marker. */
export const UI_VERSION: string =
  typeof __OPENCLAW_VERSION__ === 'string' && __OPENCLAW_VERSION__ ? __OPENCLAW_VERSION__ : '0.0.0-dev';
