// Production or not, for scopes and identities: configuration first, then names and tags.
// Used by the OWASP NHI8 rule (a non-production identity that reaches write or admin in production).

export type Environment = 'prod' | 'non-prod' | 'unknown';

export interface EnvironmentPattern {
  /** A glob (`*` any run of characters, `?` one) matched case-insensitively against the scope or name and tag values. */
  pattern: string;
  environment: 'prod' | 'non-prod';
}

/** The `environments` section of the configuration. */
export interface EnvironmentConfig {
  /** Exact scopes (`aws:222222222222`, `gcp:acme-prod`, `projects/acme-prod`) → environment. */
  scopes?: Record<string, 'prod' | 'non-prod'>;
  /** Tried in order after `scopes`; the first match decides. */
  patterns?: EnvironmentPattern[];
  /** Tag or label keys whose value names the environment (default: env, environment, stage, tier). */
  tagKeys?: string[];
  /** Turn off the name defaults (prod/production/prd vs dev/staging/sandbox/test). */
  noDefaults?: boolean;
}

const DEFAULT_TAG_KEYS = ['env', 'environment', 'stage', 'tier'];
const PROD = new Set(['prod', 'production', 'prd', 'live']);
const NON_PROD = new Set(['dev', 'develop', 'development', 'staging', 'stage', 'stg', 'sandbox', 'sbx', 'test', 'testing', 'tst', 'qa', 'uat', 'nonprod', 'preprod', 'preproduction', 'demo', 'experimental', 'experiments', 'playground', 'lab']);

function globRe(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

const compiled = new WeakMap<EnvironmentPattern[], { re: RegExp; environment: 'prod' | 'non-prod' }[]>();

function patternsOf(config: EnvironmentConfig): { re: RegExp; environment: 'prod' | 'non-prod' }[] {
  const list = config.patterns ?? [];
  let c = compiled.get(list);
  if (!c) {
    c = list.map((p) => ({ re: globRe(p.pattern), environment: p.environment }));
    compiled.set(list, c);
  }
  return c;
}

/** Default from words in a name: `acme-prod`, `rg-data-prod`, `Production` vs `sandbox`, `staging`… Non-prod wins a tie (`prod-sandbox`). */
export function environmentFromName(name: string): Environment {
  const lower = name.toLowerCase();
  if (/non[-_ ]?prod/.test(lower) || /pre[-_ ]?prod/.test(lower)) return 'non-prod';
  let prod = false;
  for (const word of lower.split(/[^a-z0-9]+/)) {
    if (NON_PROD.has(word)) return 'non-prod';
    if (PROD.has(word)) prod = true;
  }
  return prod ? 'prod' : 'unknown';
}

/**
 * Environment of a scope (or an identity's name), with its tags or labels: configured scopes,
 * then configured patterns (against the name and each tag value), then environment tags,
 * then the name defaults.
 */
export function classifyEnvironment(scopeOrName: string, tags: Record<string, string> | null | undefined = {}, config: EnvironmentConfig = {}): Environment {
  const exact = config.scopes?.[scopeOrName];
  if (exact) return exact;
  const values = Object.values(tags ?? {});
  for (const p of patternsOf(config)) {
    if (p.re.test(scopeOrName) || values.some((v) => p.re.test(v))) return p.environment;
  }
  const keys = (config.tagKeys ?? DEFAULT_TAG_KEYS).map((k) => k.toLowerCase());
  for (const [k, v] of Object.entries(tags ?? {})) {
    if (!keys.includes(k.toLowerCase())) continue;
    const e = config.noDefaults ? 'unknown' : environmentFromName(v);
    if (e !== 'unknown') return e;
  }
  return config.noDefaults ? 'unknown' : environmentFromName(scopeOrName);
}

/** An identity's environment: its scope with its tags, else its name (a `sandbox-provisioner` in an unnamed account). */
export function identityEnvironment(identity: { scope: string; name: string; tags?: Record<string, string> | null }, config: EnvironmentConfig = {}): Environment {
  const byScope = classifyEnvironment(identity.scope, identity.tags, config);
  return byScope !== 'unknown' ? byScope : classifyEnvironment(identity.name, {}, config);
}
