// Column sets shared by CSV exports, so `nhi report --format csv` and `nhi export findings --format csv` agree.
import type { CredentialRow, IdentityRow } from '../inventory/rows.js';
import { CREDENTIAL, IDENTITY, SNAPSHOT_COLUMNS, type EntitySpec } from '../inventory/entities.js';
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
  { header: 'suggested_owner', get: (f) => f.identity?.suggestedOwner },
  { header: 'credential_id', get: (f) => f.credentialId },
  // The sighting the message names (the rule's first), so both columns agree.
  { header: 'location', get: (f) => locationText(findingLocations(f)[0]) },
  { header: 'message', get: (f) => f.message },
  { header: 'first_seen_scan', get: (f) => f.firstSeenScan },
  { header: 'suppression_reason', get: (f) => f.suppression?.reason },
  { header: 'suppression_expires', get: (f) => f.suppression?.expires },
  { header: 'evidence', get: (f) => f.evidence },
];

/**
 * Export columns of an entity, from its spec: the plain columns in table order, then the snapshot
 * columns, then the JSON ones (tags, attributes), each under its SQL name.
 */
function entityColumns<T>(spec: EntitySpec): CsvColumn<T>[] {
  const visible = spec.columns.filter((c) => !c.hidden && !c.noExport);
  const snapshot = SNAPSHOT_COLUMNS.filter((c) => !c.noExport);
  return [...visible.filter((c) => c.type !== 'json'), ...snapshot, ...visible.filter((c) => c.type === 'json')].map((c) => ({
    header: c.column,
    get: (r: T) => (r as Record<string, unknown>)[c.field],
  }));
}

export const IDENTITY_CSV: CsvColumn<IdentityRow>[] = entityColumns<IdentityRow>(IDENTITY);

export const CREDENTIAL_CSV: CsvColumn<CredentialRow>[] = entityColumns<CredentialRow>(CREDENTIAL);
