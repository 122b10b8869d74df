// `nhi ls`, `nhi show`, `nhi scans`, `nhi diff`, `nhi rules`: looking around the inventory.
import { ConfigError, EXIT } from '../../errors.js';
import { openInventory } from '../../inventory/db.js';
import { renderTable, type Column } from '../../report/text-table.js';
import { openReport, parseSeverity } from '../../report/report-service.js';
import { RULES } from '../../rules/index.js';
import { OWASP_NHI } from '../../rules/types.js';
import { diffScans, listCredentials, listIdentities, listScans, scanErrors, showIdentity } from '../../services/inventory-queries.js';
import { commandContext, list, type CommonFlags } from '../context.js';
import { stepLines, stepsChanged } from '../../plan/plan-service.js';

function json(v: unknown): void {
  process.stdout.write(JSON.stringify(v, null, 2) + '\n');
}

/** Rows as JSON or as a table; with `limit`, say when the listing was cut. */
function emit<T>(rows: T[], cols: Column<T>[], opts: { json?: boolean; limit?: number }): void {
  if (opts.json) return json(rows);
  const more = opts.limit !== undefined && rows.length === opts.limit ? `(first ${opts.limit}; --limit N for more)\n` : '';
  process.stdout.write(renderTable(rows, cols) + more);
}

function readonlyDb(flags: CommonFlags) {
  const ctx = commandContext(flags);
  return { ctx, inv: openInventory(ctx.dbPath, { readonly: true }) };
}

export interface LsFlags extends CommonFlags {
  provider?: string[];
  kind?: string[];
  owner?: string;
  search?: string;
  status?: string[];
  rule?: string[];
  severity?: string;
  identity?: string;
  includeGone?: boolean;
  limit?: string;
  json?: boolean;
}

export const LS_KINDS = ['identities', 'credentials', 'findings'] as const;

export async function lsCommand(what: string, flags: LsFlags): Promise<number> {
  if (!(LS_KINDS as readonly string[]).includes(what)) throw new ConfigError(`cannot list "${what}"`, `List one of: ${LS_KINDS.join(', ')}.`);
  const limit = flags.limit === undefined ? 100 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new ConfigError('--limit must be a positive whole number');
  if (what === 'findings') {
    const ctx = commandContext(flags);
    const report = openReport({ dbPath: ctx.dbPath, config: ctx.config, filters: { provider: list(flags.provider), rule: list(flags.rule), severity: parseSeverity(flags.severity, '--severity') } });
    try {
      const rows = [...report.findings({ limit })].filter((f) => !flags.identity || f.identityId === flags.identity);
      emit(rows, [
            { header: 'severity', get: (f) => f.severity },
            { header: 'rule', get: (f) => f.ruleId },
            { header: 'id', get: (f) => f.id },
            { header: 'finding', get: (f) => f.message, max: 100 },
          ], { json: flags.json, limit });
    } finally {
      report.close();
    }
    return EXIT.ok;
  }
  const { inv } = readonlyDb(flags);
  try {
    if (what === 'identities') {
      const rows = [...listIdentities(inv.db, { provider: list(flags.provider), kind: list(flags.kind), owner: flags.owner, search: flags.search, includeGone: flags.includeGone, limit })];
      emit(rows, [
            { header: 'provider', get: (r) => r.provider },
            { header: 'kind', get: (r) => r.kind },
            { header: 'name', get: (r) => r.name, max: 40 },
            { header: 'scope', get: (r) => r.scope, max: 28 },
            { header: 'owner', get: (r) => r.owner, max: 20 },
            { header: 'last used', get: (r) => r.lastUsedAt?.slice(0, 10) ?? (r.lastUsedSource ? 'never' : null) },
            { header: 'id', get: (r) => r.id },
          ], { json: flags.json, limit });
    } else {
      const rows = [...listCredentials(inv.db, { provider: list(flags.provider), kind: list(flags.kind), status: list(flags.status), identity: flags.identity, includeGone: flags.includeGone, limit })];
      emit(rows, [
            { header: 'provider', get: (r) => r.provider },
            { header: 'kind', get: (r) => r.kind },
            { header: 'name', get: (r) => r.name ?? r.keyId, max: 36 },
            { header: 'status', get: (r) => r.status },
            { header: 'created', get: (r) => r.createdAt?.slice(0, 10) },
            { header: 'expires', get: (r) => r.expiresAt?.slice(0, 10) ?? (r.attributes.neverExpires ? 'never' : null) },
            { header: 'last used', get: (r) => r.lastUsedAt?.slice(0, 10) },
            { header: 'identity', get: (r) => r.identityId, max: 60 },
          ], { json: flags.json, limit });
    }
  } finally {
    inv.close();
  }
  return EXIT.ok;
}

export async function showCommand(ref: string, flags: CommonFlags & { json?: boolean }): Promise<number> {
  const { inv } = readonlyDb(flags);
  try {
    const d = showIdentity(inv.db, ref);
    if (flags.json) {
      json(d);
      return EXIT.ok;
    }
    const i = d.identity;
    const o: string[] = [];
    o.push(`${i.provider}/${i.kind} ${i.name}${i.goneScan ? `  (GONE since scan #${i.goneScan})` : ''}`);
    o.push(`  id:        ${i.id}`);
    o.push(`  scope:     ${i.scope}`);
    o.push(`  owner:     ${i.owner ?? '(none)'}${i.ownerSource ? ` (from ${i.ownerSource})` : ''}`);
    o.push(`  created:   ${i.createdAt ?? 'unknown'}`);
    o.push(`  last used: ${i.lastUsedAt ?? (i.lastUsedSource ? 'never (as far as the provider records)' : 'unknown')}${i.lastUsedSource ? ` (from ${i.lastUsedSource})` : ''}`);
    const flagsText = [i.humanUse && 'shows human use', i.providerManaged && 'provider-managed', i.thirdParty && 'third party', i.disabled && 'disabled'].filter(Boolean);
    if (flagsText.length) o.push(`  flags:     ${flagsText.join(', ')}`);
    if (Object.keys(i.tags).length) o.push(`  tags:      ${Object.entries(i.tags).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    o.push(`  seen:      scans #${i.firstSeenScan} … #${i.lastSeenScan}`);
    const section = (title: string, body: string) => o.push('', title, body.trimEnd());
    if (d.findings.length)
      section('Findings', renderTable(d.findings, [
        { header: 'severity', get: (f) => f.severity },
        { header: 'rule', get: (f) => f.ruleId },
        { header: 'status', get: (f) => (f.resolvedScan ? `resolved #${f.resolvedScan}` : 'open') },
        { header: 'finding', get: (f) => f.message, max: 100 },
      ]));
    if (d.credentials.length)
      section('Credentials', renderTable(d.credentials, [
        { header: 'kind', get: (c) => c.kind },
        { header: 'key', get: (c) => c.keyId ?? c.name ?? c.id, max: 40 },
        { header: 'status', get: (c) => (c.goneScan ? 'gone' : c.status) },
        { header: 'created', get: (c) => c.createdAt?.slice(0, 10) },
        { header: 'expires', get: (c) => c.expiresAt?.slice(0, 10) ?? (c.attributes.neverExpires ? 'never' : null) },
        { header: 'last used', get: (c) => c.lastUsedAt?.slice(0, 10) },
      ]));
    if (d.grants.length)
      section('Grants', renderTable(d.grants, [
        { header: 'privilege', get: (g) => g.privilege },
        { header: 'role', get: (g) => g.role, max: 50 },
        { header: 'resource', get: (g) => g.resource, max: 50 },
        { header: 'via', get: (g) => g.via },
        { header: 'evidence', get: (g) => g.evidence, max: 60 },
      ]));
    if (d.trusts.length)
      section('Who can become it', renderTable(d.trusts, [
        { header: 'principal', get: (t) => t.principal, max: 60 },
        { header: 'type', get: (t) => t.principalType },
        { header: 'risk', get: (t) => t.risk },
        { header: 'condition', get: (t) => t.condition, max: 60 },
      ]));
    section('History', renderTable(d.history, [
      { header: 'scan', get: (h) => `#${h.scanId}` },
      { header: 'date', get: (h) => h.startedAt?.slice(0, 19) },
      { header: 'change', get: (h) => `${h.entity} ${h.change}` },
      { header: 'what', get: (h) => (h.entity === 'identity' ? '' : h.entityId), max: 60 },
    ]));
    process.stdout.write(o.join('\n') + '\n');
  } finally {
    inv.close();
  }
  return EXIT.ok;
}

export async function scansCommand(flags: CommonFlags & { limit?: string; json?: boolean; errors?: string }): Promise<number> {
  const { inv } = readonlyDb(flags);
  try {
    if (flags.errors !== undefined) {
      const rows = scanErrors(inv.db, scanNumber(flags.errors, '--errors')!);
      emit(rows, [
            { header: 'level', get: (e) => e.level },
            { header: 'scanner', get: (e) => e.scanner },
            { header: 'target', get: (e) => e.targetKey, max: 30 },
            { header: 'operation', get: (e) => e.operation, max: 30 },
            { header: 'code', get: (e) => e.code },
            { header: 'message', get: (e) => e.message, max: 80 },
            { header: 'fix', get: (e) => e.fix, max: 80 },
          ], { json: flags.json });
      return EXIT.ok;
    }
    const rows = listScans(inv.db, flags.limit ? Number(flags.limit) : 50);
    emit(rows, [
          { header: 'scan', get: (s) => `#${s.id}` },
          { header: 'started', get: (s) => s.startedAt.slice(0, 19) },
          { header: 'status', get: (s) => s.status + (s.demo ? ' (demo)' : '') },
          { header: 'scanners', get: (s) => s.scanners.join(',') },
          { header: 'identities', get: (s) => s.counts?.identities, align: 'right' },
          { header: 'findings', get: (s) => s.counts?.findingsOpen, align: 'right' },
          { header: 'errors', get: (s) => s.errors, align: 'right' },
          { header: 'notes', get: (s) => s.notes, align: 'right' },
        ], { json: flags.json });
  } finally {
    inv.close();
  }
  return EXIT.ok;
}

function scanNumber(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${flag} must be a scan number (see \`nhi scans\`)`);
  return n;
}

export async function diffCommand(flags: CommonFlags & { from?: string; to?: string; json?: boolean }): Promise<number> {
  const { inv } = readonlyDb(flags);
  try {
    const d = diffScans(inv.db, scanNumber(flags.from, '--from'), scanNumber(flags.to, '--to'));
    const steps = stepsChanged(inv.db, d.from, d.to);
    if (flags.json) {
      json({ ...d, steps });
      return EXIT.ok;
    }
    const o: string[] = [`changes from ${d.from === 0 ? 'the empty inventory' : `scan #${d.from}`} to scan #${d.to}`];
    for (const [title, side] of [['identities', d.identities], ['credentials', d.credentials]] as const) {
      o.push('', `${title}: +${side.appeared.length} appeared, -${side.disappeared.length} gone, ~${side.changed.length} changed`);
      for (const id of side.appeared.slice(0, 25)) o.push(`  + ${id}`);
      for (const id of side.disappeared.slice(0, 25)) o.push(`  - ${id}`);
      for (const id of side.changed.slice(0, 25)) o.push(`  ~ ${id}`);
      const more = side.appeared.length + side.disappeared.length + side.changed.length - Math.min(25, side.appeared.length) - Math.min(25, side.disappeared.length) - Math.min(25, side.changed.length);
      if (more > 0) o.push(`  … ${more} more (--json for all)`);
    }
    o.push('', `findings: ${d.findings.new.length} new, ${d.findings.resolved.length} resolved`);
    for (const f of d.findings.new.slice(0, 25)) o.push(`  + [${f.severity}] ${f.ruleId}: ${f.message}`);
    for (const f of d.findings.resolved.slice(0, 25)) o.push(`  ✔ [${f.severity}] ${f.ruleId}: ${f.message}`);
    o.push(...stepLines(steps));
    process.stdout.write(o.join('\n') + '\n');
  } finally {
    inv.close();
  }
  return EXIT.ok;
}

export async function rulesCommand(flags: { json?: boolean }): Promise<number> {
  if (flags.json) {
    json(RULES.map((r) => ({ ...r.meta, owaspTitles: r.meta.owasp.map((id) => OWASP_NHI[id]) })));
    return EXIT.ok;
  }
  const o: string[] = [];
  for (const r of RULES) {
    const m = r.meta;
    o.push(`${m.id}  [${m.severity}]  ${m.title}`);
    o.push(`  OWASP: ${m.owasp.map((id) => `${id} ${OWASP_NHI[id]}`).join('; ')}`);
    o.push(`  What:  ${m.description}`);
    o.push(`  Risk:  ${m.risk}`);
    o.push(`  Fix:   ${m.remediation}`);
    if (m.thresholds?.length) o.push(`  Config: ${m.thresholds.join(', ')}`);
    o.push(`  Refs:  ${m.references.join(' ')}`);
    o.push('');
  }
  process.stdout.write(o.join('\n'));
  return EXIT.ok;
}
