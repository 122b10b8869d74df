// Typed errors that say what went wrong and what to try next.
// The CLI prints `message` and `hint`, and maps `exitCode`.

export const EXIT = {
  ok: 0,
  findings: 1, // --fail-on matched
  fatal: 2,
  partial: 3,
  scanFailed: 4, // the scan read nothing: every target failed
} as const;

export class NhiError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(message: string, opts: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'NhiError';
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? EXIT.fatal;
  }
}

/** Bad configuration or flags. */
export class ConfigError extends NhiError {
  constructor(message: string, hint?: string) {
    super(message, { hint });
    this.name = 'ConfigError';
  }
}

/** The inventory database cannot be used (corrupt, locked, newer schema, wrong key). */
export class InventoryError extends NhiError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { hint, cause });
    this.name = 'InventoryError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
