import type { ResolvedConfig } from '../config/resolve.js';
import { ensureGatewayToken } from './gateway-token.js';
import type { AuthSettings } from './handshake.js';

/** The shared-secret authentication the gateway runs with, and the token it generated when the config has none. */
export interface AuthState {
  current(): AuthSettings;
  /** What `cfg` asks for (generating the token once, on first need). Does not change {@link AuthState.current}. */
  fromConfig(cfg: ResolvedConfig): AuthSettings;
  set(next: AuthSettings): void;
  /** The generated token's file, when one was generated or read. */
  readonly generatedToken: { path: string; created: boolean } | undefined;
}

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
  };
}
