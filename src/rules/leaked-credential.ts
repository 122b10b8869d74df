import type { Severity } from '../model/records.js';
import type { Rule } from './types.js';

export const leakedCredential: Rule = {
  meta: {
    id: 'leaked-credential',
    title: 'Credential hard-coded in source or leaked',
    severity: 'high',
    owasp: ['NHI2'],
    description:
      'A secret was found in a repository (working tree or history) or reported by the code host\'s secret scanning. When its key id matches a credential in the inventory, the finding names the identity, its privilege and whether the key is still active.',
    risk: 'Anyone with read access to the repository, a fork or a clone has the secret; git history keeps it after the line is deleted. A leaked active admin key is a full compromise waiting to happen.',
    remediation:
      'Revoke or rotate the secret at its provider first (deleting the line does not help), check the provider\'s logs for use since the first sighting, then move the value to a secret manager or short-lived credentials and purge it from history if the repository is shared.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/2-secret-leakage/'],
  },
  *evaluate({ inventory }) {
    for (const c of inventory.credentials("kind = 'hardcoded_secret'")) {
      const seen = inventory.sightings(c.id, 5);
      const sightings = inventory.sightingCount(c.id);
      const where = seen[0] ? `${seen[0].repo ? seen[0].repo + ':' : ''}${seen[0].path}${seen[0].line ? ':' + seen[0].line : ''}` : c.scope;
      const what = String(c.attributes.title ?? c.attributes.detector ?? c.name ?? 'secret');
      const live = c.keyId ? inventory.liveCredentialsByKeyId(c.keyId) : [];
      const evidence: Record<string, unknown> = {
        detector: c.attributes.detector ?? null,
        preview: c.preview,
        keyId: c.keyId,
        sightings,
        locations: seen,
        validity: c.attributes.validity ?? 'unknown',
      };
      if (live.length > 0) {
        const key = live.find((l) => l.status === 'active') ?? live[0];
        const holder = key.identityId ? inventory.identity(key.identityId) : undefined;
        const admin = holder ? inventory.hasAdminGrant(holder.id) : false;
        const active = key.status === 'active';
        const severity: Severity = active ? (admin ? 'critical' : 'high') : 'medium';
        yield {
          provider: c.provider,
          identityId: holder?.id ?? key.identityId,
          credentialId: c.id,
          subject: c.id,
          severity,
          message: `${what} leaked at ${where} is ${active ? 'the ACTIVE' : 'the inactive'} ${key.kind} ${key.keyId ?? key.id} of ${holder ? `${holder.kind} ${holder.name}` : 'an identity'}${admin ? ', which is admin-equivalent' : ''}`,
          evidence: { ...evidence, linkedCredential: key.id, linkedStatus: key.status, identity: holder?.id ?? null, admin },
        };
        continue;
      }
      const validity = c.attributes.validity;
      const severity: Severity = validity === 'active' ? 'critical' : validity === 'inactive' ? 'low' : c.attributes.confidence === 'low' ? 'medium' : 'high';
      yield {
        provider: c.provider,
        identityId: c.identityId,
        credentialId: c.id,
        subject: c.id,
        severity,
        message: `${what} found at ${where}${sightings > 1 ? ` (${sightings} sightings)` : ''}${validity === 'active' ? ' — reported as still valid' : ''}`,
        evidence,
      };
    }
  },
};
