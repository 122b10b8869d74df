// OCSF 1.3.0 Detection Finding events (class_uid 2004), one JSON object per line, for OCSF
// consumers (AWS Security Lake, Splunk, ...). The identity is the affected resource, the rule the
// analytic, the OWASP NHI ids the finding types. The findings hold no secret value (only redacted
// previews), so neither do the events.
import type { DB } from '../../inventory/db.js';
import { ScanLog } from '../../inventory/scan-log.js';
import { ruleById } from '../../rules/index.js';
import { OWASP_NHI } from '../../rules/types.js';
import type { Severity } from '../../model/records.js';
import { VERSION } from '../../version.js';
import type { Output } from '../output.js';
import type { ReportFinding } from '../report-service.js';
import type { ReportFormat } from './types.js';

export const OCSF_VERSION = '1.3.0';
const CLASS_UID = 2004;
const CATEGORY_UID = 2;

const SEVERITY_ID: Record<Severity, { id: number; name: string }> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** Milliseconds since the epoch (OCSF timestamp_t), or undefined for a missing time. */
function ms(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

export interface OcsfContext {
  /** When the findings were evaluated (the report's clock). */
  evaluatedAt: string;
  /** The start time of a scan, to date first and last sightings. */
  scanTime(scanId: number): string | null;
}

export function ocsfEvent(f: ReportFinding, ctx: OcsfContext): Record<string, unknown> {
  const rule = ruleById(f.ruleId);
  const sev = SEVERITY_ID[f.severity];
  const suppressed = f.status === 'suppressed';
  const firstSeen = ms(ctx.scanTime(f.firstSeenScan));
  const lastSeen = ms(ctx.scanTime(f.lastSeenScan));
  const evaluated = ms(ctx.evaluatedAt) ?? Date.now();
  const activity = suppressed ? { id: 2, name: 'Update' } : { id: 1, name: 'Create' };
  const resources: Record<string, unknown>[] = [];
  if (f.identity) {
    resources.push({
      uid: f.identity.id,
      name: f.identity.name,
      type: f.identity.kind,
      ...(f.identity.owner ? { owner: { name: f.identity.owner } } : {}),
      data: { provider: f.provider, scope: f.identity.scope },
    });
  }
  if (f.credentialId) resources.push({ uid: f.credentialId, type: 'credential', data: { provider: f.provider, ...(f.location ? { location: f.location } : {}) } });
  if (resources.length === 0) resources.push({ uid: f.id, type: 'unknown', data: { provider: f.provider } });
  const event: Record<string, unknown> = {
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: CLASS_UID * 100 + activity.id,
    type_name: `Detection Finding: ${activity.name}`,
    time: firstSeen ?? evaluated,
    severity_id: sev.id,
    severity: sev.name,
    status_id: suppressed ? 3 : 1,
    status: suppressed ? 'Suppressed' : 'New',
    message: f.message,
    is_alert: !suppressed,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'nhi', vendor_name: 'nhi', version: VERSION },
      uid: f.id,
      processed_time: evaluated,
    },
    finding_info: {
      uid: f.id,
      title: f.title,
      desc: rule?.meta.description ?? f.message,
      types: f.owasp.map((id) => `OWASP ${id}: ${OWASP_NHI[id]}`),
      analytic: { uid: f.ruleId, name: f.title, type_id: 1, type: 'Rule' },
      ...(firstSeen !== undefined ? { created_time: firstSeen, first_seen_time: firstSeen } : {}),
      ...(lastSeen !== undefined ? { last_seen_time: lastSeen } : {}),
      ...(rule?.meta.references[0] ? { src_url: rule.meta.references[0] } : {}),
    },
    resources,
    evidences: [{ data: f.evidence ?? {} }],
    ...(rule ? { remediation: { desc: rule.meta.remediation, references: rule.meta.references } } : {}),
    ...(suppressed && f.suppression ? { unmapped: { suppression: f.suppression } } : {}),
  };
  return event;
}

/** Scan start times read once each from the inventory. */
export function ocsfContext(evaluatedAt: string, db: DB | undefined): OcsfContext {
  const log = db ? new ScanLog(db) : null;
  const times = new Map<number, string | null>();
  return {
    evaluatedAt,
    scanTime(id) {
      if (!times.has(id)) times.set(id, log?.startedAt(id) ?? null);
      return times.get(id) ?? null;
    },
  };
}

export function writeOcsf(out: Output, findings: Iterable<ReportFinding>, ctx: OcsfContext): void {
  for (const f of findings) out.write(JSON.stringify(ocsfEvent(f, ctx)) + '\n');
}

export const ocsfFormat: ReportFormat = {
  name: 'ocsf',
  description: `OCSF ${OCSF_VERSION} Detection Finding events (class 2004) as NDJSON, for security data lakes`,
  write(out, report, options) {
    writeOcsf(out, report.findings({ includeSuppressed: options.includeSuppressed }), ocsfContext(report.summary.asOf ?? report.summary.generatedAt, report.db));
  },
};
