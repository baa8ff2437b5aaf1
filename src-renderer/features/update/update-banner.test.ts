import { describe, expect, it } from 'vitest';
import { parseUpdateSnapshot, updateBanner } from './update-banner.js';

describe('update banner', () => {
  it('offers "Restart to update" for a downloaded update', () => {
    expect(updateBanner({ update: { phase: 'ready', version: '1.4.0' }, runningTurns: 0 })).toEqual({
      text: 'Update 1.4.0 ready',
      restart: { label: 'Restart to update', enabled: true },
    });
  });

  it('disables it while a reply is being written, and says until when', () => {
    expect(updateBanner({ update: { phase: 'ready', version: '1.4.0' }, runningTurns: 2 })?.restart).toEqual({ label: 'Restart to update', enabled: false, hint: 'after the current reply' });
  });

  it('says what a restart waits for and when it is under way, without a button', () => {
    expect(updateBanner({ update: { phase: 'waiting-for-turns', version: '1.4.0', running: 1 }, runningTurns: 1 })).toEqual({ text: 'Update 1.4.0 installs after the current reply' });
    expect(updateBanner({ update: { phase: 'installing', version: '1.4.0' }, runningTurns: 0 })).toEqual({ text: 'Restarting to install update 1.4.0…' });
  });

  it('stays quiet otherwise: checking, downloading, a failed check, nothing new', () => {
    for (const update of [{ phase: 'idle' }, { phase: 'checking' }, { phase: 'downloading', version: '1.4.0', percent: 40 }, { phase: 'error', message: 'offline' }] as const) {
      expect(updateBanner({ update, runningTurns: 0 })).toBeUndefined();
    }
    expect(updateBanner(undefined)).toBeUndefined();
  });

  it('takes only a well-formed snapshot', () => {
    expect(parseUpdateSnapshot({ update: { phase: 'ready', version: '1' }, runningTurns: 0 })).toBeDefined();
    for (const bad of [null, 'x', {}, { update: {}, runningTurns: 0 }, { update: { phase: 'ready' } }]) expect(parseUpdateSnapshot(bad)).toBeUndefined();
  });
});
