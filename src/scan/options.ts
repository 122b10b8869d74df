// Scanner options: flag > environment > config section > default, typed by the
// scanner's own option list, so every scanner's settings work the same way.
import { ConfigError } from '../errors.js';
import type { AnyScanner, ScannerOption } from '../scanners/contract.js';

export type OptionValue = string | number | boolean | string[] | undefined;

function coerce(opt: ScannerOption, value: unknown, where: string): OptionValue {
  if (value === undefined || value === null) return undefined;
  switch (opt.type) {
    case 'string':
      if (typeof value !== 'string') throw new ConfigError(`${where}: ${opt.key} must be a string`);
      return value;
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) throw new ConfigError(`${where}: ${opt.key} must be a number, got ${JSON.stringify(value)}`);
      if (opt.min !== undefined && n < opt.min) throw new ConfigError(`${where}: ${opt.key} must be at least ${opt.min}, got ${n}`, `Give a number of ${opt.min} or more.`);
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw new ConfigError(`${where}: ${opt.key} must be true or false`);
    case 'string[]':
      if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
      throw new ConfigError(`${where}: ${opt.key} must be a list of strings`);
  }
}

export interface OptionSources {
  /** Values parsed from the command line, keyed by option key (undefined when not given). */
  flags: Record<string, unknown>;
  env: Record<string, string | undefined>;
  /** The scanner's section of nhi.config.json. */
  section: Record<string, unknown> | undefined;
}

export function resolveScannerOptions(scanner: AnyScanner, src: OptionSources): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  const where = `scanners.${scanner.name}`;
  const known = new Set(scanner.options.map((o) => o.key));
  for (const k of Object.keys(src.section ?? {})) {
    if (!known.has(k)) {
      throw new ConfigError(`config ${where}: unknown option "${k}"`, `Options of the ${scanner.name} scanner: ${[...known].join(', ') || '(none)'}.`);
    }
  }
  for (const opt of scanner.options) {
    let v = coerce(opt, src.flags[opt.key], `--${opt.flag.replace(/^--/, '').split(/[ <[]/)[0]}`);
    if (v === undefined || (Array.isArray(v) && v.length === 0)) {
      for (const e of opt.env ?? []) {
        if (src.env[e]) {
          v = coerce(opt, src.env[e], `environment variable ${e}`);
          break;
        }
      }
    }
    if (v === undefined) v = coerce(opt, src.section?.[opt.key], `config ${where}`);
    if (v === undefined && opt.default !== undefined) v = Array.isArray(opt.default) ? [...(opt.default as readonly string[])] : (opt.default as string | number | boolean);
    out[opt.key] = v;
  }
  return out;
}
