import type { ResolvedConfig } from '../config/resolve.js';
import { ensureGatewayToken, writeGatewayToken } from './gateway-token.js';
import type { Store } from '../store/types.js';
import type { AuthSettings } from './handshake.js';

/** The shared-secret authentication the gateway runs with, and the token it generated when the config has none. */
export interface AuthState {
  current(): AuthSettings;
  /** What `cfg` asks for (generating the token once, on first need). Does not change {@link AuthState.current}. */
  fromConfig(cfg: ResolvedConfig): AuthSettings;
  set(next: AuthSettings): void;
  /** The generated token's file, when one was generated or read. */
  readonly generatedToken: { path: string; created: boolean } | undefined;
  /**
   * Where gateways share the database and the token is generated (none in the config): they all use one,
   * kept in the store (the first gateway's), so a client reconnecting through a load balancer is let in by
   * any of them; this host's token file is brought in line so the local CLI keeps working.
   */
  shareThrough(store: Pick<Store, 'getMeta' | 'setMeta'>): Promise<void>;
}

const SHARED_TOKEN_KEY = 'gateway.generatedToken';

export function createAuthState(cfg: ResolvedConfig, stateDir: string): AuthState {
  let generated: { token: string; path: string; created: boolean } | undefined;
  const fromConfig = (c: ResolvedConfig): AuthSettings => {
    const a = c.gateway.auth;
    if (a.mode === 'token' && !a.token) {
      generated ??= ensureGatewayToken(stateDir);
      return { mode: 'token', token: generated.token };
    }
    return { mode: a.mode, token: a.token, password: a.password };
  };
  let auth = fromConfig(cfg);
  return {
    current: () => auth,
    fromConfig,
    set(next) {
      auth = next;
    },
    get generatedToken() {
      return generated && { path: generated.path, created: generated.created };
    },
    async shareThrough(store) {
      if (!generated || auth.mode !== 'token' || auth.token !== generated.token) return;
      if ((await store.getMeta(SHARED_TOKEN_KEY)) === undefined) await store.setMeta(SHARED_TOKEN_KEY, generated.token);
      const shared = await store.getMeta(SHARED_TOKEN_KEY);
      if (!shared || shared === generated.token) return;
      generated = { ...generated, token: shared, path: writeGatewayToken(stateDir, shared) };
      auth = { mode: 'token', token: shared };
    },
  };
}
