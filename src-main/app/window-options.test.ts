import { describe, expect, it } from 'vitest';
import { isAllowedNavigation, isExternalLinkAllowed, windowOptions } from './window-options.js';

describe('windowOptions', () => {
  it('isolates and sandboxes the renderer with the given preload', () => {
    const web = windowOptions('/app/out/preload/index.cjs').webPreferences;
    expect(web).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('starts hidden so the window shows only when rendered', () => {
    expect(windowOptions('/p').show).toBe(false);
  });
});

describe('navigation guards', () => {
  const renderer = 'file:///app/out/renderer/index.html';
  it('allows only the renderer page itself', () => {
    expect(isAllowedNavigation('file:///app/out/renderer/index.html#x', renderer)).toBe(true);
    expect(isAllowedNavigation('file:///etc/passwd', renderer)).toBe(false);
    expect(isAllowedNavigation('https://evil.example/', renderer)).toBe(false);
    expect(isAllowedNavigation('not a url', renderer)).toBe(false);
  });
  it('sends only http(s) links to the system browser', () => {
    expect(isExternalLinkAllowed('https://openclaw.ai/docs')).toBe(true);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
    expect(isExternalLinkAllowed('smb://host/share')).toBe(false);
  });
});
