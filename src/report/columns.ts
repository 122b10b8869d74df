// Column sets shared by CSV exports, so `nhi report --format csv` and `nhi export findings --format csv` agree.
import type { CredentialRow, IdentityRow } from '../inventory/rows.js';
import type { CsvColumn } from './formats/csv.js';
import type { ReportFinding } from './report-service.js';
import { findingLocations, locationText } from './formats/locations.js';

export const FINDING_CSV: CsvColumn<ReportFinding>[] = [
  { header: 'id', get: (f) => f.id },
  { header: 'severity', get: (f) => f.severity },
  { header: 'rule', get: (f) => f.ruleId },
  { header: 'title', get: (f) => f.title },
  { header: 'owasp', get: (f) => f.owasp.join(' ') },
  { header: 'status', get: (f) => f.status },
  { header: 'provider', get: (f) => f.provider },
  { header: 'identity_id', get: (f) => f.identityId },
  { header: 'identity_name', get: (f) => f.identity?.name },
  { header: 'identity_kind', get: (f) => f.identity?.kind },
  { header: 'scope', get: (f) => f.identity?.scope },
  { header: 'owner', get: (f) => f.identity?.owner },
  { header: 'credential_id', get: (f) => f.credentialId },
  // The sighting the message names (the rule's first), so both columns agree.
  { header: 'location', get: (f) => locationText(findingLocations(f)[0]) },
  { header: 'message', get: (f) => f.message },
  { header: 'first_seen_scan', get: (f) => f.firstSeenScan },
  { header: 'suppression_reason', get: (f) => f.suppression?.reason },
  { header: 'suppression_expires', get: (f) => f.suppression?.expires },
  { header: 'evidence', get: (f) => f.evidence },
];

export const IDENTITY_CSV: CsvColumn<IdentityRow>[] = [
  { header: 'id', get: (r) => r.id },
  { header: 'provider', get: (r) => r.provider },
  { header: 'scope', get: (r) => r.scope },
  { header: 'kind', get: (r) => r.kind },
  { header: 'name', get: (r) => r.name },
  { header: 'created_at', get: (r) => r.createdAt },
  { header: 'last_used_at', get: (r) => r.lastUsedAt },
  { header: 'last_used_source', get: (r) => r.lastUsedSource },
  { header: 'owner', get: (r) => r.owner },
  { header: 'owner_source', get: (r) => r.ownerSource },
  { header: 'human_use', get: (r) => r.humanUse },
  { header: 'provider_managed', get: (r) => r.providerManaged },
  { header: 'third_party', get: (r) => r.thirdParty },
  { header: 'disabled', get: (r) => r.disabled },
  { header: 'first_seen_scan', get: (r) => r.firstSeenScan },
  { header: 'last_seen_scan', get: (r) => r.lastSeenScan },
  { header: 'gone_scan', get: (r) => r.goneScan },
  { header: 'tags', get: (r) => r.tags },
  { header: 'attributes', get: (r) => r.attributes },
];

export const CREDENTIAL_CSV: CsvColumn<CredentialRow>[] = [
  { header: 'id', get: (r) => r.id },
  { header: 'identity_id', get: (r) => r.identityId },
  { header: 'provider', get: (r) => r.provider },
  { header: 'scope', get: (r) => r.scope },
  { header: 'kind', get: (r) => r.kind },
  { header: 'name', get: (r) => r.name },
  { header: 'key_id', get: (r) => r.keyId },
  { header: 'status', get: (r) => r.status },
  { header: 'created_at', get: (r) => r.createdAt },
  { header: 'expires_at', get: (r) => r.expiresAt },
  { header: 'last_used_at', get: (r) => r.lastUsedAt },
  { header: 'rotated_at', get: (r) => r.rotatedAt },
  { header: 'preview', get: (r) => r.preview },
  { header: 'secret_hash', get: (r) => r.secretHash },
  { header: 'first_seen_scan', get: (r) => r.firstSeenScan },
  { header: 'last_seen_scan', get: (r) => r.lastSeenScan },
  { header: 'gone_scan', get: (r) => r.goneScan },
  { header: 'attributes', get: (r) => r.attributes },
];
