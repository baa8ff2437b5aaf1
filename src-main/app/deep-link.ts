/**
 * `openclaw://` links, as the OS hands them to the app (the open-url event on macOS, the command line of
 * a second instance elsewhere). A link only ever opens something for the user to look at: a setup code
 * to review, the pairing request to approve or reject, a chat. It never approves, sends or changes
 * anything by itself, since any web page can open such a link. Anything not exactly one of these
 * shapes is refused with the reason.
 */
import { decodeSetupCode, SetupCodeError, type SetupPayload } from '../../src-shared/protocol/setup-code.js';
import { normalizeSessionKey } from '../../src-shared/domain/session-key.js';

export const DEEP_LINK_SCHEME = 'openclaw';
/** Longer than any setup code; a link past this is refused before it is parsed. */
export const MAX_DEEP_LINK_LENGTH = 4096;

/** What a link asks the app to show. */
export type DeepLink =
  | { kind: 'setup'; code: string; payload: SetupPayload }
  | { kind: 'pairing'; requestId: string }
  | { kind: 'chat'; sessionKey: string };

/** A link the app will not follow, and why. */
export class DeepLinkError extends Error {
  override readonly name = 'DeepLinkError';
}

const REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Each link: its host, the one query parameter that may carry its value instead of the path. */
const ROUTES = { setup: 'code', pairing: 'request', chat: 'session' } as const;
type Route = keyof typeof ROUTES;

/**
 * Parses `openclaw://setup/<code>`, `openclaw://pairing/<requestId>`, `openclaw://chat/<sessionKey>`
 * (or the value as `?code=`, `?request=`, `?session=`). Throws {@link DeepLinkError}.
 */
export function parseDeepLink(link: string, o: { defaultAgentId?: string } = {}): DeepLink {
  if (typeof link !== 'string') throw new DeepLinkError('not a link');
  if (link.length > MAX_DEEP_LINK_LENGTH) throw new DeepLinkError(`link longer than ${MAX_DEEP_LINK_LENGTH} characters`);
  if (/[\s\p{Cc}]/u.test(link)) throw new DeepLinkError('link contains spaces or control characters');
  if (!link.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`)) throw new DeepLinkError(`not an ${DEEP_LINK_SCHEME}:// link`);
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new DeepLinkError('malformed link');
  }
  if (url.username || url.password || url.port) throw new DeepLinkError('a link carries no user, password or port');
  if (url.hash) throw new DeepLinkError('a link carries no #fragment');
  const route = url.hostname.toLowerCase();
  if (!Object.hasOwn(ROUTES, route)) throw new DeepLinkError(`unknown link "${route}": expected setup, pairing or chat`);
  const param = ROUTES[route as Route];
  const keys = [...url.searchParams.keys()];
  const extra = keys.find((k) => k !== param);
  if (extra !== undefined) throw new DeepLinkError(`unexpected parameter "${extra.slice(0, 64)}" in an ${route} link`);
  if (url.searchParams.getAll(param).length > 1) throw new DeepLinkError(`"${param}" given more than once`);
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments.length > 1) throw new DeepLinkError(`an ${route} link has one value, got a path of ${segments.length}`);
  const fromPath = segments[0] !== undefined ? decodeSegment(segments[0]) : undefined;
  const fromQuery = url.searchParams.get(param) ?? undefined;
  if (fromPath !== undefined && fromQuery !== undefined) throw new DeepLinkError(`give the ${route} value in the path or as ?${param}=, not both`);
  const value = fromPath ?? fromQuery;
  if (!value) throw new DeepLinkError(`the ${route} link has no value`);
  return toDeepLink(route as Route, value, o.defaultAgentId ?? 'main');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new DeepLinkError('malformed percent-encoding');
  }
}

function toDeepLink(route: Route, value: string, defaultAgentId: string): DeepLink {
  if (route === 'setup') {
    try {
      return { kind: 'setup', code: value, payload: decodeSetupCode(value) };
    } catch (err) {
      if (err instanceof SetupCodeError) throw new DeepLinkError(err.message);
      throw err;
    }
  }
  if (route === 'pairing') {
    if (!REQUEST_ID.test(value)) throw new DeepLinkError('not a pairing request id');
    return { kind: 'pairing', requestId: value };
  }
  const sessionKey = normalizeSessionKey(value, defaultAgentId);
  if (!sessionKey) throw new DeepLinkError('not a session key');
  return { kind: 'chat', sessionKey };
}

/** The `openclaw://` link among a process's arguments (Windows and Linux pass it on the command line), if any. */
export function deepLinkFromArgv(argv: readonly string[]): string | undefined {
  return argv.find((a) => typeof a === 'string' && a.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`));
}

/** The renderer page a link opens: the hash only ever names a page, so the value travels separately. */
export function deepLinkPage(link: DeepLink): 'nodes' | 'pairing' | 'chat' {
  return link.kind === 'setup' ? 'nodes' : link.kind;
}
