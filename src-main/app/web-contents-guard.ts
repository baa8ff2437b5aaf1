/**
 * The `web-contents-created` guard, as a decision: every web contents the app ever creates (the window,
 * and anything a compromised renderer might try to make) opens no new windows, navigates nowhere but the
 * app's own page, and attaches no `<webview>`. Web links go to the system browser instead.
 */
import { isAllowedNavigation, isExternalLinkAllowed } from './window-options.js';

export type WebContentsEvent =
  /** `setWindowOpenHandler`: `window.open`, `target=_blank`. */
  | { kind: 'window-open'; url: string }
  /** `will-navigate`, `will-frame-navigate` and `will-redirect`. */
  | { kind: 'navigate'; url: string }
  /** `will-attach-webview`. */
  | { kind: 'attach-webview'; url?: string };

export type GuardDecision =
  | { allow: true }
  /** Refused; `openExternal` is a web link to hand to the system browser instead. */
  | { allow: false; reason: string; openExternal?: string };

/** Pure: what to do with `event` in a web contents of an app whose page is `appUrl`. */
export function decideWebContents(event: WebContentsEvent, appUrl: string): GuardDecision {
  switch (event.kind) {
    case 'window-open':
      return isExternalLinkAllowed(event.url)
        ? { allow: false, reason: 'new windows are not opened; the link goes to the browser', openExternal: event.url }
        : { allow: false, reason: 'new windows are not opened' };
    case 'navigate':
      if (isAllowedNavigation(event.url, appUrl)) return { allow: true };
      return isExternalLinkAllowed(event.url)
        ? { allow: false, reason: "navigation off the app's page is refused; the link goes to the browser", openExternal: event.url }
        : { allow: false, reason: "navigation off the app's page is refused" };
    case 'attach-webview':
      return { allow: false, reason: 'webviews are not allowed' };
  }
}
