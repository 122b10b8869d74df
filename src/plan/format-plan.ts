// A plan as text: table (terminal), Markdown (one section per owner, for a ticket), JSON, CSV (one
// row per step, for a tracker) and a reviewed shell script whose every command is commented out.
import { stringify } from 'csv-stringify/sync';
import { renderTable } from '../report/text-table.js';
import type { StoredStep } from '../inventory/plans.js';
import type { IdentityPlan, Plan, PlanStepView } from './build-plan.js';

export const PLAN_FORMATS = ['table', 'markdown', 'json', 'csv', 'sh'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

type Row = { plan: IdentityPlan; step: PlanStepView };
const rows = (plan: Plan): Row[] => plan.identities.flatMap((p) => p.steps.map((step) => ({ plan: p, step })));

export function formatPlanTable(plan: Plan): string {
  const head = `Plan from scan #${plan.scan}: ${plan.identities.length} identities, ${rows(plan).length} steps, ${plan.groups.length} owners\n\n`;
  const table = renderTable(rows(plan), [
    { header: 'OWNER', get: (r) => r.plan.group, max: 32 },
    { header: 'IDENTITY', get: (r) => r.plan.identity.name, max: 36 },
    { header: 'STEP', get: (r) => r.step.action },
    { header: 'RISK-', get: (r) => r.step.riskReduced, align: 'right' },
    { header: 'DISABLING', get: (r) => r.plan.riskOfDisabling },
    { header: 'COMMAND', get: (r) => r.step.command.split('\n')[0], max: 70 },
  ]);
  return `${head}${table}\nRISK- is the risk removed (critical 100, high 30, medium 8, low 2). \`nhi plan --format markdown\` has the details per owner; nothing is ever run by nhi.\n`;
}

function mdList(title: string, items: string[]): string {
  return items.length ? `- **${title}:** ${items.map((x) => `\`${x}\``).join(', ')}\n` : `- **${title}:** none known\n`;
}

export function formatPlanMarkdown(plan: Plan): string {
  const out: string[] = [`# Remediation plan (scan #${plan.scan})\n`, `Generated ${plan.generatedAt}. nhi never runs these commands: review each one, run it, then rescan.\n`];
  out.push('| owner | identities | steps | risk removed |\n|---|---|---|---|\n' + plan.groups.map((g) => `| ${g.group} | ${g.identities} | ${g.steps} | ${g.riskReduced} |`).join('\n') + '\n');
  for (const g of plan.groups) {
    out.push(`## ${g.group}\n`);
    for (const p of plan.identities.filter((x) => x.group === g.group)) {
      const i = p.identity;
      out.push(`### ${i.name} (${i.provider} ${i.kind})\n`);
      out.push(`\`${i.id}\` in \`${i.scope}\`\n`);
      const used = p.lastUsed.at ? `${p.lastUsed.at}${p.lastUsed.where.length ? ` (${p.lastUsed.where.join(', ')})` : ''}` : 'never, as far as the provider records';
      out.push(`- **Last used:** ${used}\n- **Risk of disabling:** ${p.riskOfDisabling}\n` + mdList('Depends on it', p.dependsOn) + mdList('Can become', p.canBecome));
      out.push(mdList('Blast radius', p.blastRadius.map((b) => `${b.privilege} on ${b.scope}${b.via ? ` via ${b.via}` : ''}`)));
      p.steps.forEach((s, n) => {
        out.push(`\n${n + 1}. **${s.action}** (risk removed ${s.riskReduced}${s.shadow ? '; disable first, delete after the observation window' : ''}): ${s.reason}\n\n   \`\`\`sh\n${s.command.split('\n').map((l) => `   ${l}`).join('\n')}\n   \`\`\`\n`);
        if (s.snippet) out.push(`\n   Policy snippet:\n\n   \`\`\`\n   ${s.snippet}\n   \`\`\`\n`);
      });
      out.push('');
    }
  }
  return out.join('\n');
}

export function formatPlanJson(plan: Plan): string {
  return JSON.stringify({ schemaVersion: 1, ...plan }, null, 2) + '\n';
}

export function formatPlanCsv(plan: Plan): string {
  const header = ['owner', 'identity_id', 'identity_name', 'provider', 'kind', 'step_id', 'action', 'risk_removed', 'risk_of_disabling', 'shadow', 'reason', 'command', 'findings'];
  const body = rows(plan).map((r) => [
    r.plan.group,
    r.plan.identity.id,
    r.plan.identity.name,
    r.plan.identity.provider,
    r.plan.identity.kind,
    r.step.id,
    r.step.action,
    String(r.step.riskReduced),
    r.plan.riskOfDisabling,
    r.step.shadow ? 'yes' : 'no',
    r.step.reason,
    r.step.command,
    r.step.findings.join(' '),
  ]);
  return stringify([header, ...body], { record_delimiter: '\r\n', quoted_match: /^[=+\-@\t\r]/ });
}

/** A reviewed script: it stops unless the inventory's latest scan is still the one the plan read. */
export function formatPlanScript(plan: Plan, dbPath: string): string {
  const out = [
    '#!/bin/sh',
    `# Remediation plan written by nhi from scan #${plan.scan} of ${dbPath}.`,
    '# Every command is commented out: read its reason, uncomment the ones you mean to run.',
    'set -eu',
    `if ! nhi plan check --scan ${plan.scan} --db ${shQuote(dbPath)}; then`,
    `  echo "refusing to run: the inventory changed since this plan was written" >&2`,
    '  exit 2',
    'fi',
    '',
  ];
  for (const g of plan.groups) {
    out.push(`# ==== ${g.group} ====`);
    for (const p of plan.identities.filter((x) => x.group === g.group)) {
      out.push(`# --- ${p.identity.name} (${p.identity.id}); risk of disabling: ${p.riskOfDisabling}`);
      for (const s of p.steps) {
        out.push(`# ${s.action}: ${s.reason.replace(/\n/g, ' ')}`);
        for (const line of s.command.split('\n')) out.push(line.startsWith('#') ? line : `# ${line}`);
        out.push('');
      }
    }
  }
  return out.join('\n') + '\n';
}

function shQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

/** `nhi plan status`: per owner and overall, how many steps are in each state. */
export function formatStatus(steps: StoredStep[], scan: number, json: boolean): string {
  const states = ['not-started', 'observing', 'ready-to-delete', 'investigate', 'done'] as const;
  const groups = new Map<string, Record<string, number>>();
  const total: Record<string, number> = Object.fromEntries(states.map((s) => [s, 0]));
  for (const s of steps) {
    const g = groups.get(s.ownerGroup) ?? Object.fromEntries(states.map((x) => [x, 0]));
    g[s.state] = (g[s.state] ?? 0) + 1;
    total[s.state] = (total[s.state] ?? 0) + 1;
    groups.set(s.ownerGroup, g);
  }
  if (json) return JSON.stringify({ scan, total, owners: Object.fromEntries(groups), steps }, null, 2) + '\n';
  const table = renderTable(
    [...[...groups.entries()].map(([group, c]) => ({ group, c })), { group: 'overall', c: total }],
    [{ header: 'OWNER', get: (r) => r.group, max: 40 }, ...states.map((s) => ({ header: s.toUpperCase(), get: (r: { c: Record<string, number> }) => r.c[s] ?? 0, align: 'right' as const }))],
  );
  const attention = steps.filter((s) => s.state === 'investigate' || s.state === 'ready-to-delete');
  const notes = attention.map((s) =>
    s.state === 'investigate' ? `  investigate: ${s.id}: disabled, then used again or re-enabled: something depends on it` : `  ready to delete: ${s.id}: disabled and quiet for the observation window`,
  );
  return `Plan progress as of scan #${scan}\n\n${table}${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
}
