// nhi.config.json: thresholds, owner keys, suppressions and per-scanner sections.
// Validated strictly so a typo is an error that names the key, not a silent default.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseIgnoreFile, validateSuppression, type Suppression } from './suppressions.js';
import type { EnvironmentConfig } from '../reach/environment.js';

export interface Thresholds {
  /**
   * An identity or credential not used for this many days is stale. A never-used one is stale
   * only once it is older than this too, so a key created last week is not reported.
   */
  staleDays: number;
  /** An active credential older than this without rotation is long-lived. */
  maxCredentialAgeDays: number;
  /** A credential expiring further out than this is long-lived. */
  maxExpiryDays: number;
}

export interface ReachConfig {
  /** Longest chain followed, in hops. */
  maxDepth: number;
}

export interface ResolvedConfig {
  /** How far reach follows chains (src/reach). */
  reach: ReachConfig;
  /** Which scopes and identities are production (OWASP NHI8); defaults come from names. */
  environments: EnvironmentConfig;
  thresholds: Thresholds;
  /** Tag/label keys that name an owner, in order of preference. */
  ownerKeys: string[];
  suppressions: Suppression[];
  /** Per-scanner sections, keyed by scanner name; validated by each scanner's option list. */
  scanners: Record<string, Record<string, unknown>>;
  /** Files the configuration came from, for messages. */
  sources: string[];
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  staleDays: 90,
  maxCredentialAgeDays: 90,
  maxExpiryDays: 365,
};

export const DEFAULT_OWNER_KEYS = ['owner', 'Owner', 'OWNER', 'team', 'Team', 'contact', 'Contact', 'owner_email', 'created-by'];

export function defaultConfig(): ResolvedConfig {
  return {
    thresholds: { ...DEFAULT_THRESHOLDS },
    reach: { maxDepth: 6 },
    environments: {},
    ownerKeys: [...DEFAULT_OWNER_KEYS],
    suppressions: [],
    scanners: {},
    sources: [],
  };
}

const TOP_KEYS = new Set(['$schema', 'thresholds', 'ownerKeys', 'suppressions', 'scanners', 'reach', 'environments']);

export interface LoadConfigInput {
  /** Explicit --config path; an explicit path that does not exist is an error. */
  configPath?: string;
  /** Explicit ignore file; default `.nhiignore` in cwd when present. */
  ignorePath?: string;
  cwd?: string;
}

export function loadConfig(input: LoadConfigInput = {}): ResolvedConfig {
  const cwd = input.cwd ?? process.cwd();
  const cfg = defaultConfig();
  const explicit = input.configPath !== undefined;
  const path = resolve(cwd, input.configPath ?? 'nhi.config.json');
  if (existsSync(path)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, 'Check the file permissions, or pass another file with --config.');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`, 'Fix the JSON syntax (a trailing comma is the usual culprit).');
    }
    applyConfigObject(cfg, parsed, path);
    cfg.sources.push(path);
  } else if (explicit) {
    throw new ConfigError(`config file ${path} does not exist`, 'Pass an existing file to --config, or drop the flag to use defaults.');
  }
  const ignorePath = resolve(cwd, input.ignorePath ?? '.nhiignore');
  if (existsSync(ignorePath)) {
    let text: string;
    try {
      text = readFileSync(ignorePath, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read ignore file ${ignorePath}: ${(err as Error).message}`);
    }
    cfg.suppressions.push(...parseIgnoreFile(text, ignorePath));
    cfg.sources.push(ignorePath);
  } else if (input.ignorePath !== undefined) {
    throw new ConfigError(`ignore file ${ignorePath} does not exist`);
  }
  return cfg;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function applyConfigObject(cfg: ResolvedConfig, parsed: unknown, where: string): void {
  if (!isObject(parsed)) throw new ConfigError(`${where}: the top level must be a JSON object`);
  for (const key of Object.keys(parsed)) {
    if (!TOP_KEYS.has(key)) {
      throw new ConfigError(`${where}: unknown key "${key}"`, `Known keys: ${[...TOP_KEYS].filter((k) => k !== '$schema').join(', ')}.`);
    }
  }
  if (parsed.thresholds !== undefined) {
    if (!isObject(parsed.thresholds)) throw new ConfigError(`${where}: "thresholds" must be an object`);
    for (const [k, v] of Object.entries(parsed.thresholds)) {
      if (!(k in DEFAULT_THRESHOLDS)) {
        throw new ConfigError(`${where}: unknown threshold "${k}"`, `Known thresholds: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}.`);
      }
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new ConfigError(`${where}: thresholds.${k} must be a non-negative number of days, got ${JSON.stringify(v)}`);
      }
      cfg.thresholds[k as keyof Thresholds] = v;
    }
  }
  if (parsed.ownerKeys !== undefined) {
    if (!Array.isArray(parsed.ownerKeys) || !parsed.ownerKeys.every((k) => typeof k === 'string' && k.length > 0)) {
      throw new ConfigError(`${where}: "ownerKeys" must be a list of tag/label key names`);
    }
    cfg.ownerKeys = parsed.ownerKeys as string[];
  }
  if (parsed.suppressions !== undefined) {
    if (!Array.isArray(parsed.suppressions)) throw new ConfigError(`${where}: "suppressions" must be a list`);
    parsed.suppressions.forEach((s, i) => cfg.suppressions.push(validateSuppression(s, `${where}: suppressions[${i}]`)));
  }
  if (parsed.reach !== undefined) {
    if (!isObject(parsed.reach)) throw new ConfigError(`${where}: "reach" must be an object`);
    for (const [k, v] of Object.entries(parsed.reach)) {
      if (k !== 'maxDepth') throw new ConfigError(`${where}: unknown reach setting "${k}"`, 'Known: maxDepth.');
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 20) throw new ConfigError(`${where}: reach.maxDepth must be a whole number of hops from 1 to 20, got ${JSON.stringify(v)}`);
      cfg.reach.maxDepth = v;
    }
  }
  if (parsed.environments !== undefined) cfg.environments = parseEnvironments(parsed.environments, where);
  if (parsed.scanners !== undefined) {
    if (!isObject(parsed.scanners)) throw new ConfigError(`${where}: "scanners" must be an object keyed by scanner name`);
    for (const [name, section] of Object.entries(parsed.scanners)) {
      if (!isObject(section)) throw new ConfigError(`${where}: scanners.${name} must be an object`);
      cfg.scanners[name] = section;
    }
  }
}

const ENVIRONMENT_VALUES = ['prod', 'non-prod'];

/** `environments`: { scopes: {scope: prod|non-prod}, patterns: [{pattern, environment}], tagKeys: [..], noDefaults }. */
function parseEnvironments(v: unknown, where: string): EnvironmentConfig {
  if (!isObject(v)) throw new ConfigError(`${where}: "environments" must be an object`, 'Keys: scopes, patterns, tagKeys, noDefaults.');
  const out: EnvironmentConfig = {};
  const env = (x: unknown, at: string): 'prod' | 'non-prod' => {
    if (typeof x !== 'string' || !ENVIRONMENT_VALUES.includes(x)) throw new ConfigError(`${where}: ${at} must be "prod" or "non-prod", got ${JSON.stringify(x)}`);
    return x as 'prod' | 'non-prod';
  };
  for (const [k, x] of Object.entries(v)) {
    if (k === 'scopes') {
      if (!isObject(x)) throw new ConfigError(`${where}: environments.scopes must map scopes to "prod" or "non-prod"`);
      out.scopes = Object.fromEntries(Object.entries(x).map(([s, e]) => [s, env(e, `environments.scopes["${s}"]`)]));
    } else if (k === 'patterns') {
      if (!Array.isArray(x)) throw new ConfigError(`${where}: environments.patterns must be a list of { "pattern": "*-prod-*", "environment": "prod" }`);
      out.patterns = x.map((p, i) => {
        if (!isObject(p) || typeof p.pattern !== 'string' || !p.pattern) throw new ConfigError(`${where}: environments.patterns[${i}] needs a "pattern"`);
        return { pattern: p.pattern, environment: env(p.environment, `environments.patterns[${i}].environment`) };
      });
    } else if (k === 'tagKeys') {
      if (!Array.isArray(x) || !x.every((t) => typeof t === 'string' && t)) throw new ConfigError(`${where}: environments.tagKeys must be a list of tag/label keys`);
      out.tagKeys = x as string[];
    } else if (k === 'noDefaults') {
      if (typeof x !== 'boolean') throw new ConfigError(`${where}: environments.noDefaults must be true or false`);
      out.noDefaults = x;
    } else throw new ConfigError(`${where}: unknown environments key "${k}"`, 'Keys: scopes, patterns, tagKeys, noDefaults.');
  }
  return out;
}
