// Markdown for a ticket or a pull-request comment: the summary and the top findings.
// Every value from the inventory is escaped, so a scanned name cannot inject table cells, links or HTML.
import { SEVERITIES } from '../../model/records.js';
import type { ReportFinding, ReportSummary } from '../report-service.js';
import { inert } from '../text-table.js';
import { scanCompleteness } from './scan-status.js';
import type { ReportFormat } from './types.js';

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Plain text inside a Markdown table cell: HTML as entities, Markdown punctuation backslash-escaped. */
export function mdText(s: string | number | null | undefined): string {
  if (s === null || s === undefined || s === '') return '-';
  return inert(String(s).replace(/[\r\n\t]+/g, ' '))
    .replace(/[&<>"]/g, (c) => HTML[c])
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

/** A value we produce ourselves (rule ids, severities): shown as code. */
function code(s: string): string {
  return `\`${s}\``;
}

function table(headers: string[], rows: string[][]): string {
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function formatMarkdown(s: ReportSummary, top: ReportFinding[], total: number): string {
  const out: string[] = [];
  const { warning } = scanCompleteness(s);
  out.push('## nhi: non-human identity report');
  out.push('');
  if (warning) {
    out.push(`> **Warning:** ${mdText(warning)}`);
    out.push('');
  }
  out.push(
    `**${s.totals.identities}** identities · **${s.totals.credentials}** credentials · **${s.totals.findings}** open findings` +
      `${s.totals.suppressed ? ` (${s.totals.suppressed} suppressed)` : ''} — evaluated as of ${s.asOf?.slice(0, 10)}${s.scan ? `, scan #${s.scan.id} (${s.scan.status})` : ''}`,
  );
  out.push('');
  out.push(table(SEVERITIES.map((x) => x), [SEVERITIES.map((x) => String(s.findingsBySeverity[x]))]));
  out.push('');
  if (s.findingsByRule.length) {
    out.push('### Findings by rule');
    out.push(table(['rule', 'title', 'count'], s.findingsByRule.map((r) => [code(r.ruleId), mdText(r.title), String(r.count)])));
    out.push('');
  }
  if (s.riskiest.length) {
    out.push('### Riskiest identities');
    out.push(table(['worst', 'identity', 'scope', 'owner', 'rules'], s.riskiest.map((r) => [r.worst, `${mdText(r.kind)} ${mdText(r.name)}`, mdText(r.scope), mdText(r.owner), r.rules.map(code).join(', ')])));
    out.push('');
  }
  if (top.length) {
    out.push(`### Top findings (${top.length} of ${total})`);
    out.push(table(['severity', 'rule', 'finding', 'id'], top.map((f) => [f.severity, code(f.ruleId), mdText(f.message), mdText(f.id)])));
    out.push('');
  }
  const errors = s.scanErrors.filter((e) => e.level === 'error');
  if (errors.length) {
    out.push(`<details><summary>${errors.length} scan errors</summary>\n`);
    out.push(table(['scanner', 'target', 'operation', 'code', 'fix'], errors.map((e) => [mdText(e.scanner), mdText(e.targetKey), mdText(e.operation), mdText(e.code), mdText(e.fix)])));
    out.push('\n</details>');
  }
  return out.join('\n') + '\n';
}

export const markdownFormat: ReportFormat = {
  name: 'markdown',
  description: 'summary and top findings for a ticket or a pull-request comment (--limit findings)',
  write(out, report, options) {
    const top = [...report.findings({ limit: options.limit })];
    out.write(formatMarkdown(report.summary, top, report.summary.totals.findings));
  },
};
