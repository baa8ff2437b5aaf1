/** Minimal Storage surface, so tests can pass a Map-backed fake. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const KEY = 'openclaw.gatewayToken';

/**
 * The gateway token lives in sessionStorage (gone when the tab closes) and is written only after the
 * user submitted it and the gateway accepted it, so a wrong guess is never remembered.
 */
export function createTokenStore(storage: KeyValueStorage | undefined) {
  return {
    load(): string | undefined {
      try {
        return storage?.getItem(KEY) || undefined;
      } catch {
        return undefined;
      }
    },
    rememberAccepted(token: string): void {
      try {
        storage?.setItem(KEY, token);
      } catch {
        // Storage can be disabled; the session simply will not survive a reload.
      }
    },
    forget(): void {
      try {
        storage?.removeItem(KEY);
      } catch {
        // Same as above.
      }
    },
  };
}
export type TokenStore = ReturnType<typeof createTokenStore>;
