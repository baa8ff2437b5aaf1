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

const DEVICE_KEY = 'openclaw.deviceToken';

/**
 * The device token the gateway issued in `hello-ok.auth.deviceToken`, bound to one device id. It
 * lives in localStorage so a reload (or a new tab) reconnects without the gateway token; it is
 * useless without this browser's non-extractable device key, and the gateway can revoke it.
 */
export function createDeviceTokenStore(storage: KeyValueStorage | undefined) {
  return {
    load(deviceId: string): string | undefined {
      try {
        const parsed = JSON.parse(storage?.getItem(DEVICE_KEY) ?? 'null') as { deviceId?: unknown; token?: unknown } | null;
        return parsed && parsed.deviceId === deviceId && typeof parsed.token === 'string' && parsed.token ? parsed.token : undefined;
      } catch {
        return undefined;
      }
    },
    remember(deviceId: string, token: string): void {
      try {
        storage?.setItem(DEVICE_KEY, JSON.stringify({ deviceId, token }));
      } catch {
        // Storage disabled: the next visit asks for the gateway token again.
      }
    },
    forget(): void {
      try {
        storage?.removeItem(DEVICE_KEY);
      } catch {
        // Same as above.
      }
    },
  };
}
export type DeviceTokenStore = ReturnType<typeof createDeviceTokenStore>;
