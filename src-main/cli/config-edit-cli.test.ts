import { readFileSync, writeFileSync } from 'node:fs';
import JSON5 from 'json5';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../test-support/state-dir.js';

let s: TempState | undefined;
afterEach(() => s?.cleanup());

/** `openclaw config set/unset` on the hand-written JSON5 file the README invites people to edit. */
describe('openclaw config set keeps comments and layout', () => {
  it('changes only the edited value; comments, quoting and the other keys stay as written', async () => {
    s = makeTempState();
    const hand = `// my assistant — written by hand
{
  gateway: {
    port: 18789, // opened in the firewall
    bind: 'loopback',
  },
  /* logs go next to the state */
  logging: { file: ${JSON.stringify(s.logFile)} },
}
`;
    writeFileSync(s.configPath, hand);
    const r = await runCli(['config', 'set', 'gateway.port', '19001'], s.env);
    expect(r.stderr).toBe('');
    expect(readFileSync(s.configPath, 'utf8')).toBe(hand.replace('port: 18789,', 'port: 19001,'));

    expect((await runCli(['config', 'set', 'logging.level', 'debug'], s.env)).code).toBe(0);
    const after = readFileSync(s.configPath, 'utf8');
    expect(after).toContain('// my assistant — written by hand');
    expect(after).toContain('/* logs go next to the state */');
    expect(after).toContain(`logging: { file: ${JSON.stringify(s.logFile)}, level: "debug" },`);

    expect((await runCli(['config', 'unset', 'gateway.bind'], s.env)).code).toBe(0);
    const unset = readFileSync(s.configPath, 'utf8');
    expect(unset).not.toContain("bind: 'loopback'");
    expect(unset).toContain('port: 19001, // opened in the firewall');
    expect(JSON5.parse(unset)).toEqual({ gateway: { port: 19001 }, logging: { file: s.logFile, level: 'debug' } });
  });
});
