// The explicit list of rules. Order is the order of `nhi rules` and of evaluation.
import { validateRules } from './metadata.js';
import type { Rule } from './types.js';
import { godMode } from './god-mode.js';
import { leakedCredential } from './leaked-credential.js';
import { stale } from './stale.js';
import { unowned } from './unowned.js';
import { longLived } from './long-lived.js';
import { externalTrust } from './external-trust.js';
import { multipleActiveKeys } from './multiple-active-keys.js';
import { humanUse } from './human-use.js';
import { thirdPartyAccess } from './third-party-access.js';
import { staticCiCredential } from './static-ci-credential.js';
import { insecureAuthentication } from './insecure-authentication.js';
import { expiredCredential } from './expired-credential.js';

export const RULES: Rule[] = validateRules([
  godMode,
  leakedCredential,
  stale,
  unowned,
  longLived,
  externalTrust,
  multipleActiveKeys,
  humanUse,
  thirdPartyAccess,
  staticCiCredential,
  insecureAuthentication,
  expiredCredential,
]);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
