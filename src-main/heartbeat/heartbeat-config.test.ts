import { describe, expect, it } from 'vitest';
import { loadConfigFromText } from '../config/load.js';

const load = (heartbeat: unknown) => loadConfigFromText(JSON.stringify({ agents: { defaults: { heartbeat } } }), '/home/ada/.openclaw/openclaw.json', {});

describe('heartbeat config', () => {
  it('is refused with each problem in plain words', () => {
    const r = load({ every: 'soon', activeHours: { start: '9am', end: '17:00' }, colour: 'red' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.issues).toEqual([
      { path: 'agents.defaults.heartbeat.colour', message: 'unknown key' },
      { path: 'agents.defaults.heartbeat.every', message: 'expected a duration such as 30m, 1h, 1h30m or 45s (a bare number is minutes; 0 is off), got "soon"' },
      { path: 'agents.defaults.heartbeat.activeHours.start', message: 'expected a time of day as HH:MM (00:00 to 23:59), got "9am"' },
    ]);
  });

  it('accepts the reference shapes, per agent as well', () => {
    const r = loadConfigFromText(
      JSON.stringify({ agents: { defaults: { heartbeat: { every: '30m', target: 'telegram', to: '123456789', activeHours: { start: '08:00', end: '24:00', timezone: 'Europe/Berlin' } } }, entries: { main: { heartbeat: { every: '0m' } } } } }),
      '/home/ada/.openclaw/openclaw.json',
      {},
    );
    expect(r.ok).toBe(true);
  });
});
