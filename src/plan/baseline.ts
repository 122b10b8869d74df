// Baselines for the enforcement phase: the findings an estate already had (from a SARIF or JSON
// report nhi wrote, a baseline file, or a scan number), so CI fails only on findings new since.
import { ScanLog } from '../inventory/scan-log.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, EXIT } from '../errors.js';
import type { DB } from '../inventory/db.js';
import { PlanStore } from '../inventory/plans.js';
import { SEVERITIES, type Severity } from '../model/records.js';
import type { Report } from '../report/report-service.js';

export interface Baseline {
  source: string;
  ids: Set<string>;
}

export interface BaselineComparison {
  newFindings: { id: string; severity: Severity; message: string }[];
  unchanged: number;
  resolved: number;
}

/** Finding ids from a file nhi wrote: `nhi baseline write`, `report --format json`, or `report --format sarif`. */
export function readBaseline(file: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read baseline ${file}: ${(err as Error).message}`, 'Pass a file written by `nhi baseline write`, `nhi report --format json` or `nhi report --format sarif`.');
  }
  const d = doc as { runs?: { results?: { partialFingerprints?: Record<string, string> }[] }[]; findings?: ({ id?: string } | string)[] };
  if (Array.isArray(d.runs)) {
    const ids = d.runs.flatMap((r) => (r.results ?? []).map((x) => x.partialFingerprints?.['nhiFindingId/v1']).filter((x): x is string => typeof x === 'string'));
    return { source: `${file} (SARIF)`, ids: new Set(ids) };
  }
  if (Array.isArray(d.findings)) {
    const ids = d.findings.map((f) => (typeof f === 'string' ? f : f?.id)).filter((x): x is string => typeof x === 'string');
    return { source: file, ids: new Set(ids) };
  }
  throw new ConfigError(`${file} is not a baseline nhi understands`, 'Use a SARIF or JSON report produced by nhi, a file from `nhi baseline write`, or --since-scan N.');
}

/** The findings open as of a scan. */
export function baselineFromScan(db: DB, scan: number): Baseline {
  if (!Number.isInteger(scan) || scan < 1) throw new ConfigError(`--since-scan must be a scan number, got "${scan}"`, 'See `nhi scans` for the scan numbers.');
  if (!new ScanLog(db).exists(scan)) throw new ConfigError(`scan #${scan} is not in this inventory`, 'See `nhi scans` for the scan numbers.');
  return { source: `scan #${scan}`, ids: new PlanStore(db).openFindingIdsAt(scan) };
}

/** `nhi baseline write FILE`: the open findings as of the latest scan. */
export function writeBaseline(db: DB, file: string, scan: number): number {
  const ids = [...new PlanStore(db).openFindingIdsAt(scan)].sort();
  writeFileSync(file, JSON.stringify({ kind: 'nhi-baseline', schemaVersion: 1, scan, findings: ids }, null, 2) + '\n', { mode: 0o644 });
  return ids.length;
}

export function compareToBaseline(current: Iterable<{ id: string; severity: Severity; message: string }>, baseline: Baseline): BaselineComparison {
  const seen = new Set<string>();
  const newFindings: BaselineComparison['newFindings'] = [];
  for (const f of current) {
    seen.add(f.id);
    if (!baseline.ids.has(f.id)) newFindings.push({ id: f.id, severity: f.severity, message: f.message });
  }
  let resolved = 0;
  for (const id of baseline.ids) if (!seen.has(id)) resolved++;
  return { newFindings, unchanged: seen.size - newFindings.length, resolved };
}

/**
 * What `nhi report --baseline FILE | --since-scan N --fail-on SEV` does after writing the report:
 * exit 1 only when a finding new since the baseline is at or above the severity.
 */
export function baselineGate(report: Report, flags: { baseline?: string; sinceScan?: string }, failOn: Severity | undefined, err: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (flags.baseline && flags.sinceScan) throw new ConfigError('--baseline and --since-scan are exclusive', 'Pass one of them.');
  const baseline = flags.baseline ? readBaseline(flags.baseline) : baselineFromScan(report.inv.db, Number(flags.sinceScan));
  const cmp = compareToBaseline(report.findings({}), baseline);
  err(`baseline ${baseline.source}: ${cmp.newFindings.length} new, ${cmp.unchanged} unchanged, ${cmp.resolved} resolved\n`);
  if (!failOn) return EXIT.ok;
  const limit = SEVERITIES.indexOf(failOn);
  const hits = cmp.newFindings.filter((f) => SEVERITIES.indexOf(f.severity) <= limit);
  if (!hits.length) return EXIT.ok;
  err(`--fail-on ${failOn}: ${hits.length} new finding(s) since the baseline\n${hits.slice(0, 20).map((f) => `  ${f.severity} ${f.id}: ${f.message}`).join('\n')}\n`);
  return EXIT.findings;
}
