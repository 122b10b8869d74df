// The explicit list of rules. Order is the order of `nhi rules` and of evaluation.
import { validateRules } from './metadata.js';
import type { Rule } from './types.js';
import { godMode } from './god-mode/index.js';
import { leakedCredential } from './leaked-credential/index.js';
import { stale } from './stale/index.js';
import { unowned } from './unowned/index.js';
import { ownerDeparted } from './owner-departed/index.js';
import { longLived } from './long-lived/index.js';
import { externalTrust } from './external-trust/index.js';
import { multipleActiveKeys } from './multiple-active-keys/index.js';
import { humanUse } from './human-use/index.js';
import { thirdPartyAccess } from './third-party-access/index.js';
import { staticCiCredential } from './static-ci-credential/index.js';
import { insecureAuthentication } from './insecure-authentication/index.js';
import { expiredCredential } from './expired-credential/index.js';
import { environmentCrossing } from './environment-crossing/index.js';

export const RULES: Rule[] = validateRules([
  godMode,
  leakedCredential,
  stale,
  unowned,
  ownerDeparted,
  longLived,
  externalTrust,
  environmentCrossing,
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
