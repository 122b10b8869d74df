// `nhi ls`, `nhi show`, `nhi scans`, `nhi diff`, `nhi rules`: looking around the inventory.
// Every value printed comes from providers or scanned files, so tables and text go through inert().
import { ConfigError, EXIT, NhiError } from '../../errors.js';
import { isFoundSecret } from '../../model/records.js';
import { openInventory, type DB } from '../../inventory/db.js';
import { inert, inertText, outputWidth, renderTable, type Column } from '../../report/text-table.js';
import { openReport, parseSeverity } from '../../report/report-service.js';
import { RULES, ruleById } from '../../rules/index.js';
import { OWASP_NHI } from '../../rules/types.js';
import {
  ambiguous,
  diffScans,
  firstSighting,
  identityKinds,
  checkProviders,
  listCredentials,
  listIdentities,
  listScans,
  resolveRef,
  scanErrors,
  scanExists,
  showCredential,
  showFinding,
  showIdentity,
  type CredentialDetail,
  type FindingDetail,
  type IdentityDetail,
} from '../../inventory/browse-queries.js';
import { CREDENTIAL_KIND_CHOICES, CREDENTIAL_STATUS_CHOICES, checkChoices, providerNames, wholeNumber } from '../choices.js';
import { commandContext, list, type CommonFlags } from '../context.js';
import { ReachQueries, reachSettings, type ReachAnswer } from '../../inventory/reach-store.js';
import { stepLines, stepsChanged } from '../../plan/plan-service.js';

function json(v: unknown): void {
  process.stdout.write(JSON.stringify(v, null, 2) + '\n');
}

function printJson(v: unknown): number {
  json(v);
  return EXIT.ok;
}

/**
 * Rows as JSON or as a table fitted to the terminal. `more` says the listing was cut at `limit`;
 * a table says so, JSON lists what was asked for.
 */
function emit<T>(rows: T[], cols: Column<T>[], opts: { json?: boolean; limit?: number; more?: boolean }): void {
  if (opts.json) return json(rows);
  const cut = opts.more ? `(first ${opts.limit}; more match: --limit N for more, --json for all)\n` : '';
  process.stdout.write(renderTable(rows, cols, { width: outputWidth() }) + cut);
}

/** Take up to `limit` rows from a filtered stream, and whether more were there. */
function take<T>(rows: Iterable<T>, limit: number, keep: (r: T) => boolean = () => true): { rows: T[]; more: boolean } {
  const out: T[] = [];
  for (const r of rows) {
    if (!keep(r)) continue;
    if (out.length === limit) return { rows: out, more: true };
    out.push(r);
  }
  return { rows: out, more: false };
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

/** `--identity` takes an id or anything `nhi show` would resolve to one identity. */
function identityRef(db: DB, ref: string | undefined): string | undefined {
  if (ref === undefined) return undefined;
  const m = resolveRef(db, ref);
  if (m === null) throw new ConfigError(`--identity: nothing matches "${ref}"`, 'List candidates with `nhi ls identities --search <text>`.');
  if (m.entity === 'ambiguous') throw ambiguous(ref, m.candidates, m.more);
  if (m.entity !== 'identity') throw new ConfigError(`--identity: "${ref}" is a ${m.entity}, not an identity`);
  return m.id;
}

export async function lsCommand(what: string, flags: LsFlags): Promise<number> {
  if (!(LS_KINDS as readonly string[]).includes(what)) throw new ConfigError(`cannot list "${what}"`, `List one of: ${LS_KINDS.join(', ')}.`);
  // A table shows 100 rows by default; JSON is for programs and lists every match unless told.
  const limit = wholeNumber('--limit', flags.limit, 1) ?? (flags.json ? Infinity : 100);
  const provider = providerNames('--provider', list(flags.provider));
  if (what === 'findings') {
    const ctx = commandContext(flags);
    const report = openReport({ dbPath: ctx.dbPath, config: ctx.config, filters: { provider, rule: list(flags.rule)?.map((r) => r.toLowerCase()), severity: flags.severity === undefined ? undefined : parseSeverity(flags.severity.toLowerCase(), '--severity') } });
    try {
      const identity = identityRef(report.inv.db, flags.identity);
      // The limit applies after the identity filter, so `--identity X --limit 5` lists X's five.
      const { rows, more } = take(report.findings(), limit, (f) => !identity || f.identityId === identity);
      emit(rows, [
            { header: 'severity', get: (f) => f.severity },
            { header: 'rule', get: (f) => f.ruleId },
            { header: 'finding', get: (f) => f.message, max: 100 },
            { header: 'id', get: (f) => f.id, max: 60 },
          ], { json: flags.json, limit, more });
    } finally {
      report.close();
    }
    return EXIT.ok;
  }
  const { inv } = readonlyDb(flags);
  try {
    checkProviders(inv.db, '--provider', provider);
    if (what === 'identities') {
      const kinds = identityKinds(inv.db);
      const kind = checkChoices('--kind', list(flags.kind), { what: 'identity kind in this inventory', values: kinds });
      const { rows, more } = take(listIdentities(inv.db, { provider, kind, owner: flags.owner, search: flags.search, includeGone: flags.includeGone, limit: limit + 1 }), limit);
      emit(rows, [
            { header: 'provider', get: (r) => r.provider },
            { header: 'kind', get: (r) => r.kind },
            { header: 'name', get: (r) => r.name, max: 40 },
            { header: 'scope', get: (r) => r.scope, max: 28 },
            { header: 'owner', get: (r) => r.owner ?? (r.suggestedOwner ? `${r.suggestedOwner}?` : null), max: 24 },
            { header: 'last used', get: (r) => r.lastUsedAt?.slice(0, 10) ?? (r.lastUsedSource ? 'never' : null) },
            { header: 'id', get: (r) => r.id },
          ], { json: flags.json, limit, more });
    } else {
      const kind = checkChoices('--kind', list(flags.kind), CREDENTIAL_KIND_CHOICES);
      const identity = identityRef(inv.db, flags.identity);
      const located = firstSighting(inv.db);
      const { rows, more } = take(listCredentials(inv.db, { provider, kind, status: checkChoices('--status', list(flags.status), CREDENTIAL_STATUS_CHOICES), identity, includeGone: flags.includeGone, limit: limit + 1 }), limit);
      // Leaks carry where they were first seen; other credentials have no location.
      const withLocation = rows.map((r) => {
        const l = isFoundSecret(r.kind) ? located(r.id) : undefined;
        return { ...r, location: l ? `${l.repo ? l.repo + ':' : ''}${l.path}${l.line ? ':' + l.line : ''}` : null };
      });
      emit(withLocation, [
            { header: 'provider', get: (r) => r.provider },
            { header: 'kind', get: (r) => r.kind },
            { header: 'name', get: (r) => r.name ?? r.keyId, max: 36 },
            { header: 'status', get: (r) => r.status },
            { header: 'created', get: (r) => r.createdAt?.slice(0, 10) },
            { header: 'expires', get: (r) => r.expiresAt?.slice(0, 10) ?? (r.attributes.neverExpires ? 'never' : null) },
            { header: 'last used', get: (r) => r.lastUsedAt?.slice(0, 10) },
            { header: 'identity', get: (r) => r.identityId, max: 60 },
            { header: 'location', get: (r) => r.location, max: 60 },
          ], { json: flags.json, limit, more });
    }
  } finally {
    inv.close();
  }
  return EXIT.ok;
}

export async function showCommand(ref: string, flags: CommonFlags & { json?: boolean }): Promise<number> {
  const { ctx, inv } = readonlyDb(flags);
  try {
    const match = resolveRef(inv.db, ref);
    if (match === null) throw new NhiError(`nothing matches "${ref}"`, { hint: 'List candidates with `nhi ls identities --search <text>` (or `nhi ls credentials`, `nhi ls findings`).' });
    if (match.entity === 'ambiguous') throw ambiguous(ref, match.candidates, match.more);
    const width = outputWidth();
    let text: string;
    if (match.entity === 'credential') {
      const d = showCredential(inv.db, match.id);
      if (flags.json) return printJson(d);
      text = credentialText(d, width);
    } else if (match.entity === 'finding') {
      const d = showFinding(inv.db, match.id);
      if (flags.json) return printJson(d);
      text = findingText(d);
    } else {
      const d = { ...showIdentity(inv.db, match.id), reach: new ReachQueries(inv.db, reachSettings(inv.db, ctx.config)).about(match.id) };
      if (flags.json) return printJson(d);
      text = identityText(d, width);
    }
    process.stdout.write(inertText(text) + '\n');
  } finally {
    inv.close();
  }
  return EXIT.ok;
}

export function identityText(d: IdentityDetail & { reach: ReachAnswer }, width: number | undefined): string {
    const i = d.identity;
    const o: string[] = [];
    o.push(`${inert(i.provider)}/${inert(i.kind)} ${inert(i.name)}${i.goneScan ? `  (GONE since scan #${i.goneScan})` : ''}`);
    o.push(`  id:        ${inert(i.id)}`);
    o.push(`  scope:     ${inert(i.scope)}`);
    o.push(`  owner:     ${i.owner ? inert(i.owner) : '(none)'}${i.ownerSource ? ` (from ${inert(i.ownerSource)})` : ''}`);
    if (i.suggestedOwner) o.push(`  suggested: ${inert(i.suggestedOwner)}: ${inert(i.suggestedOwnerEvidence ?? '')}`);
    o.push(`  created:   ${inert(i.createdAt ?? 'unknown')}`);
    o.push(`  last used: ${i.lastUsedAt ? inert(i.lastUsedAt) : i.lastUsedSource ? 'never (as far as the provider records)' : 'unknown'}${i.lastUsedSource ? ` (from ${inert(i.lastUsedSource)})` : ''}`);
    const flagsText = [i.humanUse && 'shows human use', i.providerManaged && 'provider-managed', i.thirdParty && 'third party', i.disabled && 'disabled'].filter(Boolean);
    if (flagsText.length) o.push(`  flags:     ${flagsText.join(', ')}`);
    if (Object.keys(i.tags).length) o.push(`  tags:      ${Object.entries(i.tags).map(([k, v]) => `${inert(k)}=${inert(v)}`).join(', ')}`);
    o.push(`  seen:      scans #${i.firstSeenScan} … #${i.lastSeenScan}`);
    const section = (title: string, body: string) => o.push('', title, body.trimEnd());
    if (d.findings.length)
      section('Findings', renderTable(d.findings, [
        { header: 'severity', get: (f) => f.severity },
        { header: 'rule', get: (f) => f.ruleId },
        { header: 'status', get: (f) => (f.resolvedScan ? `resolved #${f.resolvedScan}` : 'open') },
        { header: 'finding', get: (f) => f.message, max: 100 },
      ], { width }));
    if (d.credentials.length)
      section('Credentials', renderTable(d.credentials, [
        { header: 'kind', get: (c) => c.kind },
        { header: 'key', get: (c) => c.keyId ?? c.name ?? c.id, max: 40 },
        { header: 'status', get: (c) => (c.goneScan ? 'gone' : c.status) },
        { header: 'created', get: (c) => c.createdAt?.slice(0, 10) },
        { header: 'expires', get: (c) => c.expiresAt?.slice(0, 10) ?? (c.attributes.neverExpires ? 'never' : null) },
        { header: 'last used', get: (c) => c.lastUsedAt?.slice(0, 10) },
      ], { width }));
    if (d.grants.length)
      section('Grants', renderTable(d.grants, [
        { header: 'privilege', get: (g) => g.privilege },
        { header: 'role', get: (g) => g.role, max: 50 },
        { header: 'resource', get: (g) => g.resource, max: 50 },
        { header: 'via', get: (g) => g.via },
        { header: 'evidence', get: (g) => g.evidence, max: 60 },
      ], { width }));
    const named = (id: string, name: string | null) => (name ? `${name} (${id})` : id);
    if (d.reach.reachers.length)
      section('Who can become it (through trusts, keys, federation; nearest first)', renderTable(d.reach.reachers, [
        { header: 'who', get: (r) => named(r.id, r.name), max: 70 },
        { header: 'hops', get: (r) => r.hops, align: 'right' },
        { header: 'how (first hop)', get: (r) => `${r.steps[0]?.mechanism ?? ''}: ${r.steps[0]?.evidence ?? ''}`, max: 80 },
      ], { width }));
    const reached = d.reach.scopes.filter((s) => s.hops > 0);
    if (reached.length)
      section('What it can become (beyond its own grants; `nhi paths` for each chain)', renderTable(reached, [
        { header: 'privilege', get: (s) => s.privilege },
        { header: 'scope', get: (s) => s.scope, max: 40 },
        { header: 'as', get: (s) => s.holder, max: 60 },
        { header: 'hops', get: (s) => s.hops, align: 'right' },
        { header: 'chain', get: (s) => s.steps.map((h) => `${h.mechanism} ${h.toName ?? h.to}`).join(' → '), max: 90 },
      ], { width }));
    if (d.trusts.length)
      section('Trust relations (as the provider records them)', renderTable(d.trusts, [
        { header: 'principal', get: (t) => t.principal, max: 60 },
        { header: 'type', get: (t) => t.principalType },
        { header: 'risk', get: (t) => t.risk },
        { header: 'condition', get: (t) => t.condition, max: 60 },
      ], { width }));
    section('History', renderTable(d.history, [
      { header: 'scan', get: (h) => `#${h.scanId}` },
      { header: 'date', get: (h) => h.startedAt?.slice(0, 19) },
      { header: 'change', get: (h) => `${h.entity} ${h.change}` },
      { header: 'what', get: (h) => (h.entity === 'identity' ? '' : h.entityId), max: 60 },
    ], { width }));
    return o.join('\n');
}

export function credentialText(d: CredentialDetail, width: number | undefined): string {
  const c = d.credential;
  const o: string[] = [];
  o.push(`${inert(c.provider)}/${inert(c.kind)} ${inert(c.name ?? c.keyId ?? c.id)}${c.goneScan ? `  (GONE since scan #${c.goneScan})` : ''}`);
  o.push(`  id:        ${inert(c.id)}`);
  o.push(`  scope:     ${inert(c.scope)}`);
  if (c.keyId) o.push(`  key id:    ${inert(c.keyId)}`);
  if (c.preview) o.push(`  preview:   ${inert(c.preview)}`);
  o.push(`  status:    ${inert(c.status)}`);
  o.push(`  identity:  ${d.identity ? `${inert(d.identity.kind)} ${inert(d.identity.name)} (${inert(d.identity.id)})` : '(none matched)'}`);
  o.push(`  created:   ${inert(c.createdAt ?? 'unknown')}   expires: ${inert(c.expiresAt ?? (c.attributes.neverExpires ? 'never' : 'unknown'))}   last used: ${inert(c.lastUsedAt ?? 'unknown')}`);
  o.push(`  seen:      scans #${c.firstSeenScan} … #${c.lastSeenScan}`);
  if (d.sightings.length) {
    o.push('', `Seen at (${d.sightings.length})`);
    o.push(renderTable(d.sightings, [
      { header: 'repository', get: (s) => s.repo, max: 50 },
      { header: 'path', get: (s) => `${s.path}${s.line ? ':' + s.line : ''}`, max: 70 },
      { header: 'commit', get: (s) => s.commit?.slice(0, 12) },
      { header: 'date', get: (s) => s.date?.slice(0, 10) },
    ], { width }).trimEnd());
  }
  if (d.findings.length) {
    o.push('', 'Findings');
    o.push(renderTable(d.findings, [
      { header: 'severity', get: (f) => f.severity },
      { header: 'rule', get: (f) => f.ruleId },
      { header: 'status', get: (f) => (f.resolvedScan ? `resolved #${f.resolvedScan}` : 'open') },
      { header: 'finding', get: (f) => f.message, max: 100 },
    ], { width }).trimEnd());
  }
  return o.join('\n');
}

export function findingText(d: FindingDetail): string {
  const f = d.finding;
  const o: string[] = [];
  o.push(`[${f.severity}] ${f.ruleId}${f.resolvedScan ? `  (resolved in scan #${f.resolvedScan})` : ''}`);
  o.push(`  ${inert(f.message)}`);
  o.push(`  id:        ${inert(f.id)}`);
  if (d.identity) o.push(`  identity:  ${inert(d.identity.kind)} ${inert(d.identity.name)} (${inert(d.identity.id)}), owner ${d.identity.owner ? inert(d.identity.owner) : '(none)'}`);
  if (f.credentialId) o.push(`  credential: ${inert(f.credentialId)}`);
  o.push(`  seen:      scans #${f.firstSeenScan} … #${f.lastSeenScan}`);
  o.push(`  evidence:  ${inert(JSON.stringify(f.evidence))}`);
  const rule = ruleById(f.ruleId);
  if (rule) o.push(`  fix:       ${rule.meta.remediation}`);
  return o.join('\n');
}

export async function scansCommand(flags: CommonFlags & { limit?: string; json?: boolean; errors?: string }): Promise<number> {
  const { inv } = readonlyDb(flags);
  try {
    if (flags.errors !== undefined) {
      const id = scanNumber(flags.errors, '--errors')!;
      if (!scanExists(inv.db, id)) {
        const recent = listScans(inv.db, 10).map((r) => `#${r.id}`);
        throw new ConfigError(`--errors: there is no scan #${id} in this inventory`, recent.length ? `Scans: ${recent.join(', ')} (see \`nhi scans\`).` : 'No scan has been recorded yet: run `nhi scan`.');
      }
      const rows = scanErrors(inv.db, id);
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
    const rows = listScans(inv.db, wholeNumber('--limit', flags.limit, 1) ?? 50);
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
      const named = (id: string) => {
        const n = d.names[id];
        return n ? `${inert(n.kind)} ${inert(n.name ?? '')}  (${inert(id)})`.replace(/ {3,}/, '  ') : inert(id);
      };
      for (const id of side.appeared.slice(0, 25)) o.push(`  + ${named(id)}`);
      for (const id of side.disappeared.slice(0, 25)) o.push(`  - ${named(id)}`);
      for (const id of side.changed.slice(0, 25)) o.push(`  ~ ${named(id)}`);
      const more = side.appeared.length + side.disappeared.length + side.changed.length - Math.min(25, side.appeared.length) - Math.min(25, side.disappeared.length) - Math.min(25, side.changed.length);
      if (more > 0) o.push(`  … ${more} more (--json for all)`);
    }
    o.push('', `findings: ${d.findings.new.length} new, ${d.findings.resolved.length} resolved`);
    for (const f of d.findings.new.slice(0, 25)) o.push(`  + [${f.severity}] ${f.ruleId}: ${inert(f.message)}`);
    for (const f of d.findings.resolved.slice(0, 25)) o.push(`  ✔ [${f.severity}] ${f.ruleId}: ${inert(f.message)}`);
    o.push(...stepLines(steps));
    process.stdout.write(inertText(o.join('\n')) + '\n');
  } finally {
    inv.close();
  }
  return EXIT.ok;
}

export async function rulesCommand(flags: CommonFlags & { json?: boolean }): Promise<number> {
  // Loads the config like every command, so a bad --config is reported here too.
  commandContext(flags);
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
