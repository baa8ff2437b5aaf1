/**
 * Whether the app keeps the config's secrets in its keychain-encrypted store (config/secret-store.ts), from
 * what Electron's `safeStorage` offers and the user's setting. Pure; `main.ts` asks Electron and acts.
 */

/** The command-line flag that writes the secrets back into the config as plaintext, then quits. */
export const SECRETS_EXPORT_ARG = '--secrets-export';

export interface SecretsPlanInput {
  /** `safeStorage.isEncryptionAvailable()`. */
  encryptionAvailable: boolean;
  /** `safeStorage.getSelectedStorageBackend()` on Linux; undefined elsewhere. */
  linuxBackend?: string;
  /** The desktop setting `secretsInKeychain` (off after an export). */
  enabled: boolean;
  /** An encrypted secrets file exists already. */
  storeExists: boolean;
}

export type SecretsPlan =
  /** Read the store; with `migrate`, first move the config's plaintext secrets into it. */
  | { kind: 'keychain'; migrate: boolean }
  /** Leave the config as it is (0600 plaintext, as the headless gateway keeps it); `reason` is logged. */
  | { kind: 'plaintext'; reason: string }
  /** Secrets are in the store but cannot be read here: the app cannot start the gateway. */
  | { kind: 'unavailable'; message: string };

// On Linux without a keyring Electron falls back to a fixed key ("basic_text"): that is no protection.
const WEAK_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

export function planSecretStorage(input: SecretsPlanInput): SecretsPlan {
  const weak = input.linuxBackend !== undefined && WEAK_LINUX_BACKENDS.has(input.linuxBackend);
  const usable = input.encryptionAvailable && !weak;
  if (usable && input.enabled) return { kind: 'keychain', migrate: true };
  // A store made earlier is still read where Electron can decrypt it; nothing new goes into a weak one.
  if (input.storeExists) return input.encryptionAvailable ? { kind: 'keychain', migrate: false } : unavailable();
  if (!input.enabled) return { kind: 'plaintext', reason: 'secrets are kept in the config file, as chosen with --secrets-export' };
  return {
    kind: 'plaintext',
    reason: weak
      ? `no OS keyring is available (Electron backend "${input.linuxBackend}"), so secrets stay in the config file (0600)`
      : 'OS encryption is not available, so secrets stay in the config file (0600)',
  };
}

function unavailable(): SecretsPlan {
  return {
    kind: 'unavailable',
    message:
      'The config refers to secrets kept encrypted with the OS keychain, and the keychain cannot be used now. ' +
      'Unlock the keychain (or log in to the desktop session that has it) and start OpenClaw again.',
  };
}
