#!/usr/bin/env node
// A stand-in for the `imsg` CLI in tests. `imsg rpc --db <file>` runs like the real tool (newline-delimited
// JSON-RPC 2.0 on stdin/stdout), but the "Messages database" is the fake Messages server of the test: <file>
// holds {"controlPort": N}, and this process relays every line between its stdio and that server, which
// answers as imsg would. Lines from the server that start with "#fake " are instructions to this process:
//   #fake exit <code> <stderr text>   print the text to stderr and exit with <code>
//   #fake ignore-sigterm              keep running on SIGTERM and when stdin closes (only SIGKILL ends it);
//                                     answered with "#fake-ack ignore-sigterm"
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
if (args[0] !== 'rpc') {
  process.stderr.write(`Usage: imsg rpc [--db <path>]\n(unknown command: ${args[0] ?? '(none)'})\n`);
  process.exit(64);
}
const dbIndex = args.indexOf('--db');
const dbPath = dbIndex >= 0 ? args[dbIndex + 1] : undefined;
let controlPort;
try {
  controlPort = JSON.parse(readFileSync(dbPath ?? '', 'utf8')).controlPort;
} catch {
  process.stderr.write(`Error: unable to open database file: ${dbPath ?? '~/Library/Messages/chat.db'}\n`);
  process.exit(1);
}

let ignoreTerm = false;
const socket = connect({ host: '127.0.0.1', port: controlPort });
socket.setNoDelay(true);
socket.on('error', (err) => {
  process.stderr.write(`Error: Messages database unavailable (${err.code ?? err.message})\n`);
  process.exit(1);
});
socket.on('close', () => {
  process.stderr.write('Error: lost the Messages database connection\n');
  process.exit(1);
});

createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
  if (!line.startsWith('#fake ')) {
    process.stdout.write(`${line}\n`);
    return;
  }
  const [, command, code, ...rest] = line.split(' ');
  if (command === 'exit') {
    process.stderr.write(`${rest.join(' ')}\n`);
    process.exitCode = Number(code);
    socket.removeAllListeners('close');
    socket.destroy();
    process.stdout.end(() => process.exit(Number(code)));
  } else if (command === 'ignore-sigterm') {
    ignoreTerm = true;
    process.on('SIGTERM', () => {});
    socket.write('#fake-ack ignore-sigterm\n');
  }
});

createInterface({ input: process.stdin, crlfDelay: Infinity })
  .on('line', (line) => socket.write(`${line}\n`))
  .on('close', () => {
    if (ignoreTerm) return;
    socket.removeAllListeners('close');
    socket.end(() => process.exit(0));
  });
