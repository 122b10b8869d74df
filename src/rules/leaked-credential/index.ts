import type { CredentialRow } from '../../inventory/rows.js';
import { FOUND_SECRET_KINDS, type Severity } from '../../model/records.js';
import type { Rule } from '../types.js';
import { chainJson } from '../../inventory/reach-store.js';
import { ext, type ReachResult } from '../../reach/index.js';
import { describeChain } from '../chain-text.js';

const rank = (r: ReachResult) => (r.privilege === 'admin' ? 3 : r.privilege === 'write' ? 2 : r.privilege === 'read' ? 1 : 0);

/**
 * Detectors whose sightings are only a key's id, not its secret (a key id names the key to revoke
 * but cannot be used alone). Scanners may also mark them with `attributes.keyIdOnly`. (A code host's
 * AWS alert is of type aws_access_key_id but reports the pair it found, so it is not one of these.)
 */
const KEY_ID_DETECTORS = ['aws-access-key-id'];

function keyIdOnly(c: CredentialRow): boolean {
  return c.attributes.keyIdOnly === true || KEY_ID_DETECTORS.includes(String(c.attributes.detector));
}

export const leakedCredential: Rule = {
  meta: {
    id: 'leaked-credential',
    title: 'Credential hard-coded in source or leaked',
    severity: 'high',
    owasp: ['NHI2'],
    description:
      'A secret was found in a repository (working tree or history) or reported by the code host\'s secret scanning. When its key id matches a credential in the inventory, the finding names the identity, its privilege and whether the key is still active. Sightings of one key (its id and its secret, in several places) are one finding.',
    risk: 'Anyone with read access to the repository, a fork or a clone has the secret; git history keeps it after the line is deleted. A leaked active admin key is a full compromise waiting to happen.',
    remediation:
      'Revoke or rotate the secret at its provider first (deleting the line does not help), check the provider\'s logs for use since the first sighting, then move the value to a secret manager or short-lived credentials and purge it from history if the repository is shared.',
    references: ['https://owasp.org/www-project-non-human-identities-top-10/2025/2-secret-leakage/'],
  },
  *evaluate({ inventory, reach }) {
    // One finding per leaked key: the sightings of its id and of its secret, wherever they are.
    // Leaks are few (thousands at most), so they are grouped in memory.
    const byKey = new Map<string, CredentialRow[]>();
    const alone: CredentialRow[] = [];
    // One pass over the credentials for every found kind, then kind by kind as listed (stable: file order within a kind).
    const found = [...inventory.credentials({ kind: FOUND_SECRET_KINDS })].sort((a, b) => FOUND_SECRET_KINDS.indexOf(a.kind) - FOUND_SECRET_KINDS.indexOf(b.kind));
    for (const c of found) {
      if (!c.keyId) alone.push(c);
      else byKey.set(c.keyId, [...(byKey.get(c.keyId) ?? []), c]);
    }
    const groups = [...alone.map((c) => ({ subject: c.id, leaks: [c] })), ...[...byKey].map(([keyId, leaks]) => ({ subject: `key:${keyId}`, leaks }))];
    for (const { subject, leaks } of groups) {
      // The sighting that carries the secret speaks for the group; a bare key id only if that is all there is.
      const c = leaks.find((l) => !keyIdOnly(l)) ?? leaks[0];
      const idOnly = leaks.every(keyIdOnly);
      // The speaking sighting's places first: the message names the first of them.
      const seen = [c, ...leaks.filter((l) => l !== c)].flatMap((l) => inventory.sightings(l.id, 5)).slice(0, 10);
      const sightings = leaks.reduce((n, l) => n + inventory.sightingCount(l.id), 0);
      const first = seen[0];
      const where = first ? `${first.repo ? first.repo + ':' : ''}${first.path}${first.line ? ':' + first.line : ''}` : c.scope;
      const more = sightings > 1 ? ` (${sightings} sightings)` : '';
      const what = String(c.attributes.title ?? c.attributes.detector ?? c.name ?? 'secret');
      const live = c.keyId ? inventory.liveCredentialsByKeyId(c.keyId) : [];
      const evidence: Record<string, unknown> = {
        detector: c.attributes.detector ?? null,
        preview: c.preview,
        keyId: c.keyId,
        keyIdOnly: idOnly,
        sightings,
        locations: seen,
        leaks: leaks.map((l) => l.id),
        validity: c.attributes.validity ?? 'unknown',
      };
      const idOnlyNote = idOnly ? ' — only its key id was found (no secret beside it): it names the key but cannot be used alone' : '';
      if (live.length > 0) {
        const key = live.find((l) => l.status === 'active') ?? live[0];
        const holder = key.identityId ? inventory.identity(key.identityId) : undefined;
        const admin = holder ? inventory.hasAdminGrant(holder.id) : false;
        const active = key.status === 'active';
        // What the leak reaches: the key's identity, and whatever that identity can become.
        const r = leaks.map((l) => reach.strongest(ext('credential', l.id))).sort((a, b) => rank(b) - rank(a) || a.hops - b.hops)[0];
        const through = admin && r.privilege === 'admin' && r.chain.length > 2 ? ` through ${describeChain(r.chain.slice(2), inventory)}` : '';
        const severity: Severity = !active ? (idOnly ? 'low' : 'medium') : idOnly ? (admin ? 'high' : 'medium') : admin ? 'critical' : 'high';
        yield {
          // A finding belongs to the provider of the identity the leak unlocks; where it was found is its location.
          provider: holder?.provider ?? key.provider,
          identityId: holder?.id ?? key.identityId,
          credentialId: c.id,
          subject,
          severity,
          message: `${what} leaked at ${where}${more} is ${active ? 'the ACTIVE' : 'the inactive'} ${key.kind} ${key.keyId ?? key.id} of ${holder ? `${holder.kind} ${holder.name}` : 'an identity'}${admin ? `, which is admin-equivalent${through}` : ''}${idOnlyNote}`,
          evidence: { ...evidence, linkedCredential: key.id, linkedStatus: key.status, identity: holder?.id ?? null, admin, reaches: r.privilege, chain: chainJson(r.chain) },
        };
        continue;
      }
      const validity = c.attributes.validity;
      const severity: Severity = idOnly
        ? 'low'
        : validity === 'active' ? 'critical' : validity === 'inactive' ? 'low' : c.attributes.confidence === 'low' ? 'medium' : 'high';
      yield {
        provider: c.provider,
        identityId: c.identityId,
        credentialId: c.id,
        subject,
        severity,
        message: `${what} found at ${where}${more}${validity === 'active' ? ' — reported as still valid' : ''}${idOnlyNote}`,
        evidence,
      };
    }
  },
};
