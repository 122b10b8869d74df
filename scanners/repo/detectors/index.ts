// The explicit detector list. Order is priority: when two detectors claim overlapping
// text, the earlier one wins (a GCP key file beats the PEM inside it, a GitHub token
// beats the generic "token = …" rule).
import type { Detector } from './types.js';
import { GCP_DETECTORS } from './gcp.js';
import { PRIVATE_KEY_DETECTORS } from './private-keys.js';
import { KUBERNETES_DETECTORS } from './kubernetes.js';
import { AWS_DETECTORS } from './aws.js';
import { GITHUB_DETECTORS } from './github.js';
import { GITLAB_DETECTORS } from './gitlab.js';
import { SLACK_DETECTORS } from './slack.js';
import { STRIPE_DETECTORS } from './stripe.js';
import { PACKAGE_DETECTORS } from './packages.js';
import { AZURE_DETECTORS } from './azure.js';
import { JWT_DETECTORS } from './jwt.js';
import { DATABASE_DETECTORS } from './database.js';
import { DOTENV_DETECTORS } from './dotenv.js';
import { GENERIC_DETECTORS } from './generic.js';
import { PROVIDER_TOKEN_DETECTORS } from './providers.js';
import { aiKeyByName, HTTP_DETECTORS } from './http.js';

export const DETECTORS: readonly Detector[] = [
  GCP_DETECTORS[0], // service-account JSON before the PEM it contains
  ...PRIVATE_KEY_DETECTORS,
  KUBERNETES_DETECTORS[0],
  ...AWS_DETECTORS,
  ...GITHUB_DETECTORS,
  ...GITLAB_DETECTORS,
  ...SLACK_DETECTORS,
  ...STRIPE_DETECTORS,
  ...PACKAGE_DETECTORS,
  ...PROVIDER_TOKEN_DETECTORS,
  ...GCP_DETECTORS.slice(1),
  ...AZURE_DETECTORS,
  ...JWT_DETECTORS,
  ...DATABASE_DETECTORS,
  ...HTTP_DETECTORS,
  KUBERNETES_DETECTORS[1],
  ...DOTENV_DETECTORS,
  aiKeyByName,
  ...GENERIC_DETECTORS,
];

export function detectorById(id: string): Detector | undefined {
  return DETECTORS.find((d) => d.id === id);
}

// Metadata is validated at load: a broken detector must fail loudly, not scan silently.
{
  const ids = new Set<string>();
  for (const d of DETECTORS) {
    if (!d || ids.has(d.id)) throw new Error(`duplicate or missing detector ${d?.id}`);
    ids.add(d.id);
    if (!d.regex.global) throw new Error(`detector ${d.id}: regex must be global`);
    if (d.keywords.length === 0) throw new Error(`detector ${d.id}: needs keywords for the pre-filter`);
    if (d.caseInsensitive && d.keywords.some((k) => k !== k.toLowerCase())) throw new Error(`detector ${d.id}: case-insensitive keywords must be lower case`);
  }
}

export type { Detector } from './types.js';
