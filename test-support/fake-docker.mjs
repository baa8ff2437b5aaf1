#!/usr/bin/env node
// A stand-in for the Docker CLI in tests: records every call (one JSON line per call in
// $FAKE_DOCKER_LOG), keeps container state in $FAKE_DOCKER_STATE, and runs `exec` commands on the
// host inside the directory mounted at the container path. Speaks only what the sandbox runner uses.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
appendFileSync(process.env.FAKE_DOCKER_LOG, JSON.stringify(args) + '\n');
const statePath = process.env.FAKE_DOCKER_STATE;
const state = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : {};
const save = () => writeFileSync(statePath, JSON.stringify(state));

switch (args[0]) {
  case 'version':
    process.stdout.write('27.0.0-fake\n');
    break;
  case 'inspect': {
    const name = args.at(-1);
    if (!state[name]) {
      process.stderr.write(`Error: No such object: ${name}\n`);
      process.exit(1);
    }
    process.stdout.write('true\n');
    break;
  }
  case 'rm':
    delete state[args.at(-1)];
    save();
    break;
  case 'run': {
    const name = args[args.indexOf('--name') + 1];
    const [host, target] = args[args.indexOf('-v') + 1].split(':');
    state[name] = { host, target };
    save();
    process.stdout.write('c0ffee\n');
    break;
  }
  case 'exec': {
    const cwd = args[2];
    const name = args[3];
    const c = state[name];
    if (!c) {
      process.stderr.write(`Error: No such container: ${name}\n`);
      process.exit(1);
    }
    const hostCwd = c.host + cwd.slice(c.target.length);
    const r = spawnSync(args[4], args.slice(5), { cwd: hostCwd, stdio: 'inherit' });
    process.exit(r.status ?? 1);
    break;
  }
  default:
    process.stderr.write(`fake docker: unsupported ${args[0]}\n`);
    process.exit(2);
}
