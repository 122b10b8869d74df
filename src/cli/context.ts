// What every command shares: where the inventory is, the loaded config, output helpers.
import { loadConfig, type ResolvedConfig } from '../config/config.js';
import { resolveDbPath } from '../inventory/db.js';
import { ConfigError } from '../errors.js';
import { RULES, ruleById } from '../rules/index.js';

export interface CommonFlags {
  db?: string;
  config?: string;
  ignoreFile?: string;
}

export interface CommandContext {
  dbPath: string;
  config: ResolvedConfig;
  env: Record<string, string | undefined>;
}

/** The config, with every suppression naming a rule that exists: a typo would otherwise suppress nothing, silently. */
export function loadCheckedConfig(configPath: string | undefined, ignorePath: string | undefined): ResolvedConfig {
  const config = loadConfig({ configPath, ignorePath });
  for (const s of config.suppressions) {
    if (s.rule !== '*' && !ruleById(s.rule)) {
      throw new ConfigError(`${s.source}: unknown rule "${s.rule}"`, `Use a rule id or "*": ${RULES.map((r) => r.meta.id).join(', ')} (see \`nhi rules\`).`);
    }
  }
  return config;
}

export function commandContext(flags: CommonFlags): CommandContext {
  return {
    dbPath: resolveDbPath(flags.db),
    config: loadCheckedConfig(flags.config, flags.ignoreFile),
    env: { ...process.env },
  };
}

/** Split repeatable/comma-separated flag values. */
export function list(v: string[] | string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const out = (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  return out.length ? out : undefined;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function parseDate(s: string | undefined, flag: string): Date | undefined {
  if (s === undefined) return undefined;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const t = Date.parse(day ? `${s}T00:00:00Z` : s);
  // Date.parse rolls impossible days forward (2026-02-30 → 2026-03-02): refuse them instead.
  const real = !Number.isNaN(t) && (!day || new Date(t).toISOString().slice(0, 10) === s);
  if (!real) throw new ConfigError(`${flag} must be a real date like 2026-06-30, got "${s}"`);
  return new Date(t);
}
