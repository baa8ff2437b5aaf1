import { describe, expect, it } from 'vitest';
import { decideWebContents } from './web-contents-guard.js';

const APP = 'file:///Applications/OpenClaw.app/Contents/Resources/app.asar/out/renderer/index.html';
const DEV = 'http://localhost:5173/';

describe('web-contents guard', () => {
  it.each([
    [APP, `${APP}#/chat`],
    [APP, `${APP}?page=2#/sessions`],
    [DEV, 'http://localhost:5173/#/pairing'],
  ])('lets %s move within its own page (%s)', (app, url) => {
    expect(decideWebContents({ kind: 'navigate', url }, app)).toEqual({ allow: true });
  });

  it.each([
    'file:///etc/passwd',
    'file:///Applications/OpenClaw.app/Contents/Resources/app.asar/out/renderer/other.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'chrome://settings',
    'not a url',
  ])('refuses navigation to %s without handing it to the browser', (url) => {
    const d = decideWebContents({ kind: 'navigate', url }, APP);
    expect(d.allow).toBe(false);
    expect(d.allow === false && d.openExternal).toBeFalsy();
  });

  it('sends web links the page tries to navigate to, or open, to the browser instead', () => {
    expect(decideWebContents({ kind: 'navigate', url: 'https://docs.openclaw.ai/' }, APP)).toMatchObject({ allow: false, openExternal: 'https://docs.openclaw.ai/' });
    expect(decideWebContents({ kind: 'window-open', url: 'https://github.com/openclaw' }, APP)).toMatchObject({ allow: false, openExternal: 'https://github.com/openclaw' });
    // Another origin on this machine is a web page like any other: not inside the app's window.
    expect(decideWebContents({ kind: 'navigate', url: 'http://localhost:5174/' }, DEV)).toMatchObject({ allow: false, openExternal: 'http://localhost:5174/' });
    expect(decideWebContents({ kind: 'navigate', url: 'http://127.0.0.1:18789/' }, APP)).toMatchObject({ allow: false, openExternal: 'http://127.0.0.1:18789/' });
  });

  it('opens no new window, even of the app itself, and no webview', () => {
    expect(decideWebContents({ kind: 'window-open', url: `${APP}#/chat` }, APP)).toEqual({ allow: false, reason: 'new windows are not opened' });
    expect(decideWebContents({ kind: 'window-open', url: 'file:///tmp/x.html' }, APP).allow).toBe(false);
    expect(decideWebContents({ kind: 'attach-webview', url: APP }, APP)).toEqual({ allow: false, reason: 'webviews are not allowed' });
  });
});
