/** One problem found in a config file; `path` is a config path such as `gateway.port` ('' for the whole file). */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * A config file that cannot be used: syntax errors, unknown keys, wrong types,
 * missing `${VAR}`s or invalid environment overrides. The message lists every
 * issue on its own line so it can be printed as is.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The file the issues refer to. */
  readonly path: string;
  readonly issues: ConfigIssue[];

  constructor(path: string, issues: ConfigIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((issue) => `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
    super(`invalid config ${path}:\n${lines.join('\n')}`, options);
    this.path = path;
    this.issues = issues;
  }
}

/** The file changed since the caller read it (optimistic concurrency on `baseHash`). */
export class ConfigConflictError extends Error {
  override readonly name = 'ConfigConflictError';
  constructor(
    readonly path: string,
    readonly expectedHash: string,
    readonly actualHash: string,
  ) {
    super(`config ${path} changed since it was read (expected hash ${expectedHash.slice(0, 12)}…, found ${actualHash.slice(0, 12)}…)`);
  }
}
