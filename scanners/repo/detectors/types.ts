// A detector is a plain object: metadata, the keywords of the cheap pre-filter, one
// regular expression and a verify() that turns a match into a finding or rejects it
// (bad checksum, broken structure, placeholder). The engine runs it only on lines (or
// windows, for multi-line formats) that hold one of its keywords.

export type Confidence = 'high' | 'medium' | 'low';

/** Who issued the secret: a hint for people and for correlation. */
export type SecretProvider =
  | 'aws' | 'gcp' | 'azure' | 'github' | 'gitlab' | 'slack' | 'stripe' | 'npm' | 'pypi'
  | 'kubernetes' | 'database' | 'private-key' | 'jwt' | 'generic' | 'http' | 'url'
  | 'openai' | 'anthropic' | 'huggingface' | 'google-ai' | 'cohere' | 'mistral' | 'perplexity' | 'replicate' | 'groq' | 'xai' | 'openrouter' | 'langchain' | 'pinecone' | 'deepseek'
  | 'grafana' | 'sentry' | 'newrelic' | 'datadog' | 'mailgun' | 'sendgrid' | 'twilio' | 'brevo' | 'docker' | 'akamai' | 'digitalocean' | 'hashicorp' | 'pulumi'
  | 'doppler' | 'databricks' | 'heroku' | 'flyio' | 'planetscale' | 'atlassian' | 'linear' | 'postman' | 'shopify' | 'rubygems' | 'sourcegraph' | 'notion'
  | 'age' | 'onepassword' | 'openshift' | 'dropbox' | 'salesforce' | 'nats' | 'jwk';

/** Non-secret facts a finding may carry (client email, account name, key type). */
export type FindingAttributes = Record<string, string | number | boolean>;

export interface Verified {
  /** The secret value (hashed and redacted before it leaves the scanner). */
  value: string;
  /** The provider key id it carries (AWS AKIA…/ASIA…, GCP private_key_id). */
  keyId?: string;
  attributes?: FindingAttributes;
  /** Overrides the detector's confidence for this finding. */
  confidence?: Confidence;
  /** ISO expiry when the secret says (JWT exp). */
  expiresAt?: string;
  /** Where the secret sits in VerifyContext.text ([start, end)); default: capture group 1. */
  range?: [number, number];
}

export interface VerifyContext {
  /** The text the regex ran over (a line, or a window for multi-line formats). */
  text: string;
  /** Path of the file, relative to the scanned root. */
  path: string;
}

export interface Detector {
  id: string;
  title: string;
  provider: SecretProvider;
  confidence: Confidence;
  /** Cheap pre-filter: the regex runs only where one of these substrings occurs. */
  keywords: readonly string[];
  /** Keywords are matched against the lower-cased text (default: case-sensitive). */
  caseInsensitive?: boolean;
  /** Every one of these substrings must occur in the file (cheap whole-file gate, e.g. `kind: Config`). */
  requires?: readonly string[];
  /** Restrict the detector to some files (`.env` files, kubeconfigs). */
  appliesTo?(path: string): boolean;
  /**
   * Where the regex runs: 'line' = each line holding a keyword; a window = that many
   * characters before the keyword's line and after it (multi-line formats).
   */
  scope: 'line' | { before: number; after: number };
  /** Global regular expression. Capture group 1 (or the whole match) is the secret unless verify() says otherwise. */
  regex: RegExp;
  /** Turn a match into a finding, or null to reject it. */
  verify?(m: RegExpExecArray, ctx: VerifyContext): Verified | null;
  /**
   * The value is structurally verified (checksum): skip the placeholder heuristics and
   * report it even in test-fixture folders.
   */
  checksummed?: boolean;
  /** Run the shared placeholder heuristics on the value (default true; structured formats check themselves). */
  placeholderCheck?: boolean;
  /** Examples for docs and tests (never real secrets). */
  description?: string;
}
