/** Raised by commands for a clean one-line failure with an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Print a JSON document on stdout. */
export function printJson(value: unknown, pretty = true): void {
  process.stdout.write(JSON.stringify(value, null, pretty ? 2 : undefined) + '\n');
}

/** The single failure path: one line on stderr, or the JSON failure envelope on stdout. */
export function reportFailure(err: unknown, json: boolean): number {
  const message = err instanceof Error ? err.message : String(err);
  const exitCode = err instanceof CliError ? err.exitCode : 1;
  // An empty CliError means "already reported on stdout; just exit non-zero".
  if (err instanceof CliError && message === '') return exitCode;
  if (json) printJson({ ok: false, error: { type: 'cli_error', message } });
  else process.stderr.write(`error: ${message}\n`);
  return exitCode;
}

/** A QR code drawn with block characters for the terminal (the encoder loads only when one is drawn). */
export async function terminalQr(text: string): Promise<string> {
  const QRCode = (await import('qrcode')).default;
  return QRCode.toString(text, { type: 'terminal', small: true });
}
