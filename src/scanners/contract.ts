// The scanner plugin contract. A scanner is a plain typed object listed in
// ./registry.ts; it reads one provider and streams normalized records.
// No module-level SDK clients: everything a scan needs arrives through ctx,
// so tests and the demo point it at a local endpoint.
import type { Provider, ScanRecord } from '../model/records.js';
import type { SecretProtector } from '../secrets/protect.js';
import type { ResolvedConfig } from '../config/config.js';

export type OptionType = 'string' | 'number' | 'boolean' | 'string[]';

export interface ScannerOption {
  /** Key in ctx.options and in the scanner's config section (`scanners.<name>.<key>`). */
  key: string;
  /** Commander flag spec, e.g. `--assume-role <name>`; shared by `nhi scan`'s --help. */
  flag: string;
  description: string;
  type: OptionType;
  /** Environment variables consulted (in order) when neither flag nor config sets it. */
  env?: readonly string[];
  default?: string | number | boolean | readonly string[];
  /** Smallest accepted value of a number option (a usage error below it). */
  min?: number;
  /** Never echoed back in logs, errors or the scan record (tokens, keys). */
  secret?: boolean;
}

type OptionValueOf<T extends OptionType> = T extends 'string' ? string : T extends 'number' ? number : T extends 'boolean' ? boolean : string[];

/** A scanner's typed options, derived from its option list: the list is the one declaration. */
export type OptionsOf<L extends readonly ScannerOption[]> = { [O in L[number] as O['key']]?: OptionValueOf<O['type']> };

/** An option list whose keys and types stay literal, so that OptionsOf can derive the options type from it. */
export function defineOptions<const L extends readonly ScannerOption[]>(options: L): L {
  return options;
}

export interface ScanTarget {
  /**
   * Unique key of the unit a scan completes or fails as a whole: `aws:123456789012`,
   * `github:acme`, `repo:/abs/path`. Records from a target that finished without
   * error replace that target's previous snapshot (what is missing is marked gone).
   */
  key: string;
  /** Short label for progress lines. */
  label: string;
  /** Scanner-private data discovered with the target (account role ARN, org id…). */
  data?: unknown;
}

/** Scanners report API calls, retries and waits; the pipeline counts records itself. */
export interface ProgressSink {
  /** One request sent to the provider. */
  apiCall(operation?: string): void;
  /** A request is retried (throttling, 5xx). */
  retry(operation: string, waitMs?: number, reason?: string): void;
  /** Waiting for a rate limit to reset: the UI shows a countdown. */
  waiting(untilEpochMs: number, reason: string): void;
  /** A line for the plain log (never a secret). */
  log(message: string): void;
}

interface BaseContext<O> {
  /** Options resolved from flags, environment, config section and defaults. */
  options: O;
  /** Global configuration: thresholds, owner tag keys, suppressions. */
  config: ResolvedConfig;
  /** The environment to read (a copy of process.env, overridable in tests and the demo). */
  env: Record<string, string | undefined>;
  secrets: SecretProtector;
  progress: ProgressSink;
  signal: AbortSignal;
  /** The scan's clock. */
  now: Date;
}

export type DiscoveryContext<O> = BaseContext<O>;

export interface ScanContext<O> extends BaseContext<O> {
  target: ScanTarget;
}

export interface ExplainedError {
  code: string;
  /** The permission, role or setting that would fix it. */
  fix?: string;
  message?: string;
}

export interface DemoEndpoint<O> {
  /** Options that point the scanner at the local endpoint (endpoint URLs, test credentials, targets). */
  options: Partial<O>;
  stop(): Promise<void>;
}

export interface DemoInput {
  now: Date;
  /** A scratch folder the demo may write into (e.g. to build a sample git repository). */
  workDir: string;
  /** Days since the first demo scan (`--demo-day N`): the estate as it looks then, some plan steps applied. `now` stays day 0. */
  day?: number;
}

export interface Scanner<O = Record<string, unknown>> {
  /** CLI name: `nhi scan <name>`. */
  name: string;
  provider: Provider;
  title: string;
  description: string;
  /** What it needs to run, for `--help` and docs: credentials, network, permissions. */
  needs: string[];
  options: readonly ScannerOption[];
  /** Whether `nhi scan` with no provider named runs it (config section present, or credentials found). */
  isConfigured(options: O, env: Record<string, string | undefined>, hasConfigSection: boolean): boolean;
  /** Positional arguments after the provider name (`nhi scan repo PATH...`) become this option. */
  positionalOption?: string;
  /** The targets to scan. A throw here fails the scanner (a scan error), not the scan. */
  targets(ctx: DiscoveryContext<O>): Promise<ScanTarget[]>;
  /** Stream one target's records. Recoverable failures are yielded as `error` records; a throw fails the target. */
  scan(ctx: ScanContext<O>): AsyncIterable<ScanRecord>;
  /** Map a thrown SDK error to a code and the permission or setting that fixes it. */
  explainError?(err: unknown): ExplainedError;
  /** The scanner's part of `nhi scan --demo`: a local endpoint in the provider's own wire format. */
  demo?(input: DemoInput): Promise<DemoEndpoint<O>>;
}

/** Helper so a scanner module gets its option type checked without casts at the registry. */
export function defineScanner<O>(s: Scanner<O>): Scanner<O> {
  return s;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyScanner = Scanner<any>;
