// The human summary: one screen that says what to fix first.
import { SEVERITIES } from '../../model/records.js';
import type { ReportFinding, ReportSummary } from '../report-service.js';
import { inert, inertText, renderTable } from '../text-table.js';
import { scanCompleteness } from './scan-status.js';
import type { ReportFormat } from './types.js';

export function formatTable(s: ReportSummary, top: ReportFinding[], totalShown: number, width?: number): string {
  const out: string[] = [];
  const scan = s.scan;
  const { warning } = scanCompleteness(s);
  out.push(`nhi report — ${inert(s.inventory)}`);
  out.push(
    scan
      ? `latest scan #${scan.id} (${scan.status}${scan.demo ? ', demo estate' : ''}) started ${scan.startedAt}\nfindings evaluated as of ${s.asOf?.slice(0, 10)}${s.reEvaluated ? ' (re-evaluated for this report)' : ''}`
      : 'no scan yet',
  );
  if (warning) out.push(`WARNING: ${warning}`);
  out.push('');
  out.push(
    `${s.totals.identities} identities, ${s.totals.credentials} credentials, ${s.totals.grants} grants, ${s.totals.trusts} trust edges; ` +
      `${s.totals.findings} open findings${s.totals.suppressed ? ` (+${s.totals.suppressed} suppressed)` : ''}`,
  );
  out.push('  ' + SEVERITIES.map((sev) => `${sev} ${s.findingsBySeverity[sev]}`).join(' · '));
  out.push('');
  if (s.identitiesByProvider.length) {
    out.push('Identities by provider and kind');
    out.push(renderTable(s.identitiesByProvider, [
      { header: 'provider', get: (r) => r.provider },
      { header: 'kind', get: (r) => r.kind },
      { header: 'count', get: (r) => r.count, align: 'right' },
    ], { width }));
  }
  if (s.findingsByRule.length) {
    out.push('Findings by rule');
    out.push(renderTable(s.findingsByRule, [
      { header: 'rule', get: (r) => r.ruleId },
      { header: 'count', get: (r) => r.count, align: 'right' },
      { header: 'title', get: (r) => r.title },
    ], { width }));
  }
  if (s.riskiest.length) {
    out.push('Riskiest identities (fix these first)');
    out.push(renderTable(s.riskiest, [
      { header: 'worst', get: (r) => r.worst },
      { header: 'score', get: (r) => r.score, align: 'right' },
      { header: 'identity', get: (r) => `${r.provider}/${r.kind} ${r.name}`, max: 60 },
      { header: 'scope', get: (r) => r.scope, max: 28 },
      { header: 'owner', get: (r) => r.owner ?? (r.suggestedOwner ? `${r.suggestedOwner}?` : null), max: 24 },
      { header: 'rules', get: (r) => r.rules.join(','), max: 50 },
    ], { width }));
  }
  if (s.byOwner?.some((o) => o.owner)) {
    out.push('Findings by owner (? = suggested by audit logs or git, not declared)');
    out.push(renderTable(s.byOwner, [
      { header: 'owner', get: (r) => (r.owner ? `${r.owner}${r.suggested ? '?' : ''}` : '(nobody known)'), max: 40 },
      { header: 'worst', get: (r) => r.worst },
      { header: 'identities', get: (r) => r.identities, align: 'right' },
      { header: 'findings', get: (r) => r.findings, align: 'right' },
    ], { width }));
  }
  if (top.length) {
    const cut = top.length < totalShown ? `${top.length} of ${totalShown}; --limit N for more, --format json|csv|sarif for all` : `all ${totalShown}`;
    out.push(`Top findings (${cut})`);
    out.push(renderTable(top, [
      { header: 'severity', get: (f) => f.severity },
      { header: 'rule', get: (f) => f.ruleId },
      { header: 'finding', get: (f) => f.message, max: 110 },
    ], { width }));
  }
  const errors = s.scanErrors.filter((e) => e.level === 'error');
  if (errors.length) {
    out.push(`Scan #${scan?.id} could not read everything (${errors.length}):`);
    for (const e of errors.slice(0, 15)) {
      out.push(`  ${inert(e.scanner)} ${inert(e.targetKey)} ${inert(e.operation)}: ${inert(e.code)} ${inert(e.message)}${e.fix ? `\n    fix: ${inert(e.fix)}` : ''}`);
    }
    if (errors.length > 15) out.push(`  … and ${errors.length - 15} more (nhi scans --errors ${scan?.id})`);
    out.push('');
  }
  out.push('Next: `nhi show <name or id>` for one identity, `nhi ls findings --severity high`,');
  out.push('      `nhi export findings --format csv --out findings.csv`.');
  return inertText(out.join('\n')) + '\n';
}

export const tableFormat: ReportFormat = {
  name: 'table',
  description: 'one screen for a terminal: summary, riskiest identities, top findings',
  write(out, report, options) {
    const top = [...report.findings({ limit: options.limit })];
    out.write(formatTable(report.summary, top, report.summary.totals.findings, options.width));
  },
};
