import { main } from './main.js';

// The process ends when the work is done; a straggling handle gets two seconds, not forever.
void main(process.argv).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
});
