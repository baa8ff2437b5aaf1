import JSON5 from 'json5';
import { callOnce, type GlobalOptions } from '../connect.js';
import { CliError, printJson } from '../output.js';

/** `openclaw gateway call <method> --params <json>`: any method, raw payload out. */
export async function runCall(method: string, opts: GlobalOptions & { params?: string; json?: boolean }): Promise<void> {
  let params: unknown = {};
  if (opts.params !== undefined) {
    try {
      params = JSON5.parse(opts.params);
    } catch (err) {
      throw new CliError(`--params is not valid JSON: ${(err as Error).message}`);
    }
  }
  const result = await callOnce(opts, method, params);
  printJson(result, !opts.json);
}
