/**
 * Attack: another local user plants a symlink where the gateway writes its log (or owns the log directory), so
 * the gateway appends to, and chmods, a file of the attacker's choosing. Tried against a spawned gateway: a
 * symlink at the log file's path, a log directory that is itself a symlink, and a directory owned by another
 * user. Expected: the gateway still starts and serves, says on stderr why it will not write that log, and the
 * target file keeps its content and mode.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnGateway, runCli, type SpawnedGateway } from '../../../test-support/gateway.js';
import { makeTempState, type TempState } from '../../../test-support/state-dir.js';

const token = 'log-symlink-token-0123456789';
let s: TempState | undefined;
let gw: SpawnedGateway | undefined;

afterEach(async () => {
  gw?.child.kill('SIGTERM');
  await gw?.exited;
  s?.cleanup();
  gw = undefined;
  s = undefined;
});

/** A gateway whose `logging.file` is `logFile`; returns once it answers health. */
async function startWithLog(plant: (dir: string) => string): Promise<{ victim: string }> {
  s = makeTempState({ gateway: { auth: { mode: 'token', token } } });
  const victim = join(s.dir, 'victim.conf');
  fs.writeFileSync(victim, 'do not touch\n', { mode: 0o644 });
  fs.chmodSync(victim, 0o644);
  const logFile = plant(s.dir);
  s.writeConfig({ gateway: { auth: { mode: 'token', token } }, logging: { file: logFile } });
  gw = await spawnGateway(s.env, ['--port', '0']);
  const health = await runCli(['health', '--json', '--token', token], { ...s.env, OPENCLAW_GATEWAY_PORT: String(gw.port) });
  expect(health.code).toBe(0);
  return { victim };
}

function expectUntouched(victim: string): void {
  expect(fs.readFileSync(victim, 'utf8')).toBe('do not touch\n');
  expect(fs.statSync(victim).mode & 0o777).toBe(0o644);
}

describe.runIf(process.platform !== 'win32')('the log file cannot be redirected by a planted link', () => {
  it('refuses a symlink at the log file path', async () => {
    const { victim } = await startWithLog((dir) => {
      fs.mkdirSync(join(dir, 'logs'), { mode: 0o700 });
      const file = join(dir, 'logs', 'gateway.log');
      fs.symlinkSync(join(dir, 'victim.conf'), file);
      return file;
    });
    expectUntouched(victim);
    expect(gw!.stderr() + gw!.stdout()).toMatch(/refusing log file .*gateway\.log: it is a symbolic link/);
  });

  it('refuses a log directory that is a symlink', async () => {
    const { victim } = await startWithLog((dir) => {
      fs.mkdirSync(join(dir, 'elsewhere'), { mode: 0o700 });
      fs.symlinkSync(join(dir, 'elsewhere'), join(dir, 'logs'));
      return join(dir, 'logs', 'gateway.log');
    });
    expectUntouched(victim);
    expect(fs.readdirSync(join(s!.dir, 'elsewhere'))).toEqual([]);
    expect(gw!.stderr() + gw!.stdout()).toMatch(/refusing log directory .*logs: it is a symbolic link/);
  });

  it.runIf(process.getuid?.() === 0)('refuses a log directory owned by another user', async () => {
    await startWithLog((dir) => {
      const theirs = join(dir, 'shared-logs');
      fs.mkdirSync(theirs, { mode: 0o777 });
      fs.chmodSync(theirs, 0o777);
      fs.chownSync(theirs, 65534, 65534);
      return join(theirs, 'gateway.log');
    });
    expect(fs.readdirSync(join(s!.dir, 'shared-logs'))).toEqual([]);
    expect(gw!.stderr() + gw!.stdout()).toMatch(/belongs to another user \(uid 65534\)/);
  });
});
