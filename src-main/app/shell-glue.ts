/**
 * Electron glue beside main.ts: `utilityProcess.fork` as the gateway process's spawner, the tray images,
 * start at login, and the keychain
 * secrets (moved out of the config into a `safeStorage`-encrypted store, decrypted for the gateway, and
 * written back on `--secrets-export`). The decisions are in plain modules (gateway-process, secrets-plan,
 * config/secret-store).
 */
import { existsSync } from 'node:fs';
import { app, dialog, nativeImage, safeStorage, utilityProcess, type NativeImage } from 'electron';
import type { Logger } from '../logging/index.js';
import type { HostSpawner } from './gateway-process.js';
import { updateDesktopSettings } from './desktop-settings.js';
import { ConfigError } from '../config/errors.js';
import { exportSecrets, loadSecretEnv, migrateSecrets, secretsFilePath, type SecretCipher } from '../config/secret-store.js';
import { planSecretStorage } from './secrets-plan.js';
import { applyAutostartFile, planLoginItem } from './login-item.js';
import { TRAY_ICON_DATA_URL, trayIconDir, trayIconPath } from './tray-icon.js';

const keychain: SecretCipher = { encrypt: (plain) => safeStorage.encryptString(plain), decrypt: (data) => safeStorage.decryptString(data) };

export interface ShellPaths {
  configPath: string;
  stateDir: string;
}

/** Electron's `utilityProcess.fork` as the gateway-process spawner. */
export const utilityProcessSpawner = (log: Logger): HostSpawner => (modulePath, { serviceName }) => {
  const child = utilityProcess.fork(modulePath, [], { serviceName, stdio: ['ignore', 'inherit', 'pipe'] });
  // A V8 fatal error; 'exit' follows. Listened to, since an 'error' event nobody listens to throws here.
  child.on('error', (type, location) => log.error('the gateway process hit a fatal error', { type, location }));
  return {
    get pid() {
      return child.pid;
    },
    postMessage: (m) => child.postMessage(m),
    onMessage: (fn) => child.on('message', fn),
    onExit: (fn) => child.once('exit', (code) => fn({ code })),
    kill: () => void child.kill(),
    stderr: child.stderr,
  };
};

/** How the app introduces itself to its gateway. */
export function appClientInfo() {
  return { id: process.platform === 'darwin' ? 'openclaw-macos' : process.platform === 'linux' ? 'openclaw-linux' : 'openclaw-control-ui', mode: 'ui' } as const;
}

/**
 * Moves the config's plaintext secrets into the keychain-encrypted store (when the OS offers one) and
 * returns them decrypted, as the environment names the config now refers to them by.
 */
export function prepareSecrets(enabled: boolean, paths: ShellPaths, log: Logger): Record<string, string> {
  const secretsPath = secretsFilePath(paths.stateDir);
  const plan = planSecretStorage({
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    linuxBackend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined,
    enabled,
    storeExists: existsSync(secretsPath),
  });
  if (plan.kind === 'unavailable') throw new Error(plan.message);
  if (plan.kind === 'plaintext') {
    log.info('secrets stay in the config file', { reason: plan.reason });
    return {};
  }
  if (plan.migrate) {
    try {
      const { moved } = migrateSecrets({ configPath: paths.configPath, secretsPath, cipher: keychain });
      if (moved.length > 0) log.info('moved secrets from the config into the keychain store', { paths: moved });
    } catch (err) {
      // A config that does not validate is left as it is; the gateway's start reports what is wrong with it.
      if (!(err instanceof ConfigError)) throw err;
      log.warn('secrets stay in the config until it is valid', { error: err.message });
    }
  }
  return loadSecretEnv(secretsPath, keychain);
}

/** `OpenClaw --secrets-export`: the secrets go back into the config as plaintext, and stay there. */
export function runSecretsExport(paths: ShellPaths): void {
  try {
    const { restored } = exportSecrets({ configPath: paths.configPath, secretsPath: secretsFilePath(paths.stateDir), cipher: keychain });
    updateDesktopSettings(paths.stateDir, { secretsInKeychain: false });
    dialog.showMessageBoxSync({ type: 'info', message: 'Secrets written back to the config file', detail: `${restored.length} secret(s) are in ${paths.configPath} again as plaintext (0600). OpenClaw will keep them there.` });
  } catch (err) {
    dialog.showErrorBox('Could not export the secrets', err instanceof Error ? err.message : String(err));
  }
  app.quit();
}


/** A tray image from resources/tray (its @2x file comes along); the embedded dot if the files are missing. */
export function trayImage(badged: boolean, appRoot: string, log: Logger): NativeImage {
  const file = trayIconPath(trayIconDir({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, appRoot }), process.platform, badged);
  const image = nativeImage.createFromPath(file);
  if (!image.isEmpty()) return image;
  log.warn('tray image missing; using the built-in one', { file });
  return nativeImage.createFromDataURL(TRAY_ICON_DATA_URL);
}

/** Start at login on or off: the OS login item (macOS, Windows) or the autostart desktop file (Linux). */
export function applyLoginItem(enabled: boolean): void {
  const plan = planLoginItem(enabled, { platform: process.platform, execPath: process.execPath, env: process.env });
  if (plan.kind === 'electron') app.setLoginItemSettings(plan.settings);
  else applyAutostartFile(plan);
}
