import { describe, expect, it } from 'vitest';
import { planSecretStorage } from './secrets-plan.js';

describe('planSecretStorage', () => {
  it('uses the keychain where the OS offers real encryption', () => {
    expect(planSecretStorage({ encryptionAvailable: true, enabled: true, storeExists: false })).toEqual({ kind: 'keychain', migrate: true });
    expect(planSecretStorage({ encryptionAvailable: true, linuxBackend: 'gnome_libsecret', enabled: true, storeExists: false })).toEqual({ kind: 'keychain', migrate: true });
  });

  it('leaves plaintext secrets alone on Linux without a keyring, and says why', () => {
    const plan = planSecretStorage({ encryptionAvailable: true, linuxBackend: 'basic_text', enabled: true, storeExists: false });
    expect(plan.kind).toBe('plaintext');
    expect(plan.kind === 'plaintext' && plan.reason).toContain('basic_text');
    expect(planSecretStorage({ encryptionAvailable: false, enabled: true, storeExists: false }).kind).toBe('plaintext');
  });

  it('still reads a store it made before, and refuses to start when it cannot', () => {
    expect(planSecretStorage({ encryptionAvailable: true, linuxBackend: 'basic_text', enabled: true, storeExists: true })).toEqual({ kind: 'keychain', migrate: false });
    const plan = planSecretStorage({ encryptionAvailable: false, enabled: true, storeExists: true });
    expect(plan.kind).toBe('unavailable');
    expect(plan.kind === 'unavailable' && plan.message).toMatch(/Unlock the keychain/);
  });

  it('keeps secrets in the config once the user exported them', () => {
    expect(planSecretStorage({ encryptionAvailable: true, enabled: false, storeExists: false }).kind).toBe('plaintext');
    // A store left behind is still read, but nothing new is moved into it.
    expect(planSecretStorage({ encryptionAvailable: true, enabled: false, storeExists: true })).toEqual({ kind: 'keychain', migrate: false });
  });
});
