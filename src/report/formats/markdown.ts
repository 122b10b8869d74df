// Markdown for a ticket or a pull-request comment: the summary and the top findings.
import { SEVERITIES } from '../../model/records.js';
import type { ReportFinding, ReportSummary } from '../report-service.js';

function esc(s: string | number | null | undefined): string {
  return String(s ?? '-').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function formatMarkdown(s: ReportSummary, top: ReportFinding[], total: number): string {
  const out: string[] = [];
  out.push('## nhi: non-human identity report');
  out.push('');
  out.push(
    `**${s.totals.identities}** identities · **${s.totals.credentials}** credentials · **${s.totals.findings}** open findings` +
      `${s.totals.suppressed ? ` (${s.totals.suppressed} suppressed)` : ''} — evaluated as of ${s.asOf?.slice(0, 10)}${s.scan ? `, scan #${s.scan.id} (${s.scan.status})` : ''}`,
  );
  out.push('');
  out.push(table(SEVERITIES.map((x) => x), [SEVERITIES.map((x) => s.findingsBySeverity[x])]));
  out.push('');
  if (s.findingsByRule.length) {
    out.push('### Findings by rule');
    out.push(table(['rule', 'title', 'count'], s.findingsByRule.map((r) => [`\`${r.ruleId}\``, r.title, r.count])));
    out.push('');
  }
  if (s.riskiest.length) {
    out.push('### Riskiest identities');
    out.push(table(['worst', 'identity', 'scope', 'owner', 'rules'], s.riskiest.map((r) => [r.worst, `${r.kind} \`${r.name}\``, r.scope, r.owner, r.rules.join(', ')])));
    out.push('');
  }
  if (top.length) {
    out.push(`### Top findings (${top.length} of ${total})`);
    out.push(table(['severity', 'rule', 'finding', 'id'], top.map((f) => [f.severity, `\`${f.ruleId}\``, f.message, `\`${f.id}\``])));
    out.push('');
  }
  const errors = s.scanErrors.filter((e) => e.level === 'error');
  if (errors.length) {
    out.push(`<details><summary>${errors.length} scan errors</summary>\n`);
    out.push(table(['scanner', 'target', 'operation', 'code', 'fix'], errors.map((e) => [e.scanner, e.targetKey, e.operation, e.code, e.fix])));
    out.push('\n</details>');
  }
  return out.join('\n') + '\n';
}
