import { main } from './main.js';

// A reader that goes away (`openclaw config schema | head`) ends the output, as for any Unix tool: no stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

// The process ends when the work is done; a straggling handle gets two seconds, not forever.
void main(process.argv).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
});
