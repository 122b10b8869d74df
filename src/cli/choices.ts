// Enumerated flag values: checked before anything runs, so a typo such as `--provider gihub`
// is a usage error (exit 2) instead of a filter that silently matches nothing.
import { ConfigError } from '../errors.js';
import { CREDENTIAL_KINDS, CREDENTIAL_STATUSES, SEVERITIES, type Severity } from '../model/records.js';

export interface ChoiceSet {
  /** What the value names, for the message ("provider", "format"). */
  what: string;
  values: readonly string[];
}

export const SEVERITY_CHOICES: ChoiceSet = { what: 'severity', values: SEVERITIES };
export const CREDENTIAL_STATUS_CHOICES: ChoiceSet = { what: 'credential status', values: CREDENTIAL_STATUSES };
export const CREDENTIAL_KIND_CHOICES: ChoiceSet = { what: 'credential kind', values: CREDENTIAL_KINDS };

/** One value, matched case-insensitively (`AWS` is `aws`); anything else is a usage error listing the choices. */
export function checkChoice(flag: string, value: string, set: ChoiceSet): string {
  const v = value.trim().toLowerCase();
  const hit = set.values.find((x) => x.toLowerCase() === v);
  if (hit === undefined) {
    throw new ConfigError(`${flag}: "${value}" is not a known ${set.what}`, `Use one of: ${set.values.join(', ')}.`);
  }
  return hit;
}

/** Repeatable and comma-separated values, each checked. */
export function checkChoices(flag: string, values: string[] | undefined, set: ChoiceSet): string[] | undefined {
  if (values === undefined) return undefined;
  const out = values.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  return out.length ? [...new Set(out.map((v) => checkChoice(flag, v, set)))] : undefined;
}

/** A commander argument parser for a single enumerated value. */
export function choiceParser(flag: string, set: ChoiceSet): (value: string) => string {
  return (value) => checkChoice(flag, value, set);
}

/** A commander argument parser for a repeatable enumerated value (`--provider aws --provider gcp`, `--provider aws,gcp`). */
export function choiceListParser(flag: string, set: ChoiceSet): (value: string, previous?: string[]) => string[] {
  return (value, previous = []) => [...previous, ...(checkChoices(flag, [value], set) ?? [])];
}

export function severityParser(flag: string): (value: string) => Severity {
  return (value) => checkChoice(flag, value, SEVERITY_CHOICES) as Severity;
}

/** A whole number within bounds, else a usage error naming the flag. */
export function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new ConfigError(`${flag} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, got "${value}"`);
  }
  return n;
}

/**
 * `--provider` values, lower-cased (`AWS` is `aws`). Providers are open (each scanner names its
 * own), so the values are checked against what the inventory holds once it is open
 * (checkProviders in src/inventory/browse-queries.ts): a typo such as `gihub` is a usage error, never a filter that matches nothing.
 */
export function providerNames(flag: string, values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const out = values.flatMap((x) => x.split(',')).map((x) => x.trim().toLowerCase()).filter(Boolean);
  for (const v of out) if (!/^[a-z][a-z0-9-]*$/.test(v)) throw new ConfigError(`${flag}: "${v}" is not a provider name`, 'Providers are names such as aws, azure, gcp, github, repo.');
  return out.length ? [...new Set(out)] : undefined;
}

/** A commander argument parser for a repeatable `--provider`. */
export function providerParser(flag: string): (value: string, previous?: string[]) => string[] {
  return (value, previous = []) => [...new Set([...previous, ...(providerNames(flag, [value]) ?? [])])];
}
