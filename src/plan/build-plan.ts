// Open findings in, a plan per identity out: what depends on it, what it reaches, how risky it
// is to switch off, and the steps (with the provider's command) ordered by risk removed per step.
import { isFoundSecret } from '../model/records.js';
import type { DB } from '../inventory/db.js';
import { InventoryView } from '../inventory/view.js';
import { PlanStore, type OpenFinding, type ProposedStep } from '../inventory/plans.js';
import type { CredentialRow, IdentityRow } from '../inventory/rows.js';
import { computeReach, type ReachSettings } from '../inventory/reach-store.js';
import type { Severity } from '../model/records.js';
import * as cmd from './commands.js';

export const SEVERITY_SCORE: Record<Severity, number> = { critical: 100, high: 30, medium: 8, low: 2, info: 0 };

export interface PlanStepView extends ProposedStep {
  /** Sum of the severity scores of the findings this step closes. */
  riskReduced: number;
  /** A snippet to paste into a policy (trust policy, federated credential), when the step needs one. */
  snippet: string | null;
}

export interface IdentityPlan {
  identity: { id: string; name: string; kind: string; provider: string; scope: string; owner: string | null };
  group: string;
  lastUsed: { at: string | null; source: string | null; where: string[] };
  /** Used within `recentDays`: disabling it will break something until its users move. */
  riskOfDisabling: 'high' | 'low' | 'unknown';
  dependsOn: string[];
  canBecome: string[];
  blastRadius: { scope: string; privilege: string; via: string | null }[];
  steps: PlanStepView[];
  riskReduced: number;
}

export interface Plan {
  scan: number;
  generatedAt: string;
  identities: IdentityPlan[];
  groups: { group: string; identities: number; steps: number; riskReduced: number }[];
}

export interface PlanOptions {
  /** The clock (the scan's evaluation time). */
  now: Date;
  /** Findings to leave out (suppressed). */
  excluded?: Set<string>;
  /** Days of use that make disabling risky. */
  recentDays?: number;
  /** How reach is judged (the configuration's depth and environments, as the scan judged it). */
  reach: ReachSettings;
}

const LIST_LIMIT = 8;

function groupOf(identity: { owner: string | null; scope: string }): string {
  return identity.owner ? identity.owner : `unowned: ${identity.scope}`;
}

export function buildPlan(db: DB, scan: number, options: PlanOptions): Plan {
  const store = new PlanStore(db);
  const view = new InventoryView(db);
  const findings = store.openFindings().filter((f) => !options.excluded?.has(f.id));
  const { reach } = computeReach(db, options.reach, false);
  const bySubject = new Map<string, OpenFinding[]>();
  for (const f of findings) {
    const key = f.identityId ?? f.credentialId ?? f.id;
    const list = bySubject.get(key);
    if (list) list.push(f);
    else bySubject.set(key, [f]);
  }
  const recentDays = options.recentDays ?? 30;
  const plans: IdentityPlan[] = [];
  for (const [subjectId, list] of bySubject) {
    const identity = view.identity(subjectId) ?? null;
    const credential = identity ? null : (store.credential(subjectId) ?? null);
    if (!identity && !credential) continue;
    const head = identity
      ? { id: identity.id, name: identity.name, kind: identity.kind, provider: identity.provider, scope: identity.scope, owner: identity.owner }
      : { id: credential!.id, name: credential!.name ?? credential!.id, kind: credential!.kind, provider: credential!.provider, scope: credential!.scope, owner: null };
    const creds = identity ? store.credentialsOf(identity.id) : [credential!];
    const group = groupOf(head);
    const steps = stepsFor(identity, creds, list, group, store, view);
    if (!steps.length) continue;
    const where = creds.flatMap((c) => [c.attributes.lastUsedService, c.attributes.lastUsedRegion].filter((x): x is string => typeof x === 'string'));
    const lastUsedAt = latest([identity?.lastUsedAt ?? null, ...creds.map((c) => c.lastUsedAt)]);
    const dependsOn = [
      ...store.ciSecretsHolding(creds.map((c) => c.keyId).filter((k): k is string => !!k)).map((s) => `CI secret ${s.name ?? s.id} (${String(s.attributes.repository ?? s.scope)})`),
      ...nearest(reach.reachersOf(head.id, 200)).map((r) => `${r.id} can become it (${r.chain[0]?.mechanism ?? 'edge'}${r.hops > 1 ? `, ${r.hops} hops` : ''})`),
    ];
    const reached = reach.reachOf(head.id, (x) => view.grantsOf(x));
    plans.push({
      identity: head,
      group,
      lastUsed: { at: lastUsedAt, source: identity?.lastUsedSource ?? null, where: [...new Set(where)].sort() },
      riskOfDisabling: lastUsedAt === null ? 'unknown' : options.now.getTime() - Date.parse(lastUsedAt) <= recentDays * 86_400_000 ? 'high' : 'low',
      dependsOn: dependsOn.slice(0, LIST_LIMIT),
      canBecome: nearest(reached.reachable.filter((r) => !r.id.startsWith('ext:') && r.id !== head.id)).slice(0, LIST_LIMIT).map((r) => r.id),
      blastRadius: reached.scopes.slice(0, LIST_LIMIT).map((s) => ({ scope: s.scope, privilege: s.privilege, via: s.hops > 0 ? s.holder : null })),
      steps: steps.sort((a, b) => b.riskReduced - a.riskReduced || a.action.localeCompare(b.action) || a.id.localeCompare(b.id)),
      riskReduced: steps.reduce((n, s) => n + s.riskReduced, 0),
    });
  }
  // Risk removed per step, then the identity id for a stable order.
  const perStep = (p: IdentityPlan) => p.riskReduced / p.steps.length;
  // Names before ids: a found secret's id is a keyed hash, different in every inventory.
  plans.sort((a, b) => perStep(b) - perStep(a) || a.identity.name.localeCompare(b.identity.name) || a.identity.id.localeCompare(b.identity.id));
  const groups = new Map<string, { group: string; identities: number; steps: number; riskReduced: number }>();
  for (const p of plans) {
    const g = groups.get(p.group) ?? { group: p.group, identities: 0, steps: 0, riskReduced: 0 };
    g.identities++;
    g.steps += p.steps.length;
    g.riskReduced += p.riskReduced;
    groups.set(p.group, g);
  }
  return {
    scan,
    generatedAt: options.now.toISOString(),
    identities: plans,
    groups: [...groups.values()].sort((a, b) => b.riskReduced - a.riskReduced || a.group.localeCompare(b.group)),
  };
}

/** Nearest first, then by id: the graph's own order follows row order, which concurrent scans do not fix. */
function nearest<T extends { id: string; hops: number }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.hops - b.hops || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function latest(dates: (string | null)[]): string | null {
  return dates.filter((d): d is string => !!d).sort().pop() ?? null;
}

const score = (fs: OpenFinding[]) => fs.reduce((n, f) => n + SEVERITY_SCORE[f.severity], 0);

/** One step per credential that findings name, then the identity's own steps. */
function stepsFor(identity: IdentityRow | null, creds: CredentialRow[], findings: OpenFinding[], group: string, store: PlanStore, view: InventoryView): PlanStepView[] {
  const steps: PlanStepView[] = [];
  const subjectId = identity?.id ?? creds[0]?.id ?? '';
  const add = (action: string, credentialId: string | null, fs: OpenFinding[], command: string | null, shadow: boolean, reason?: string, snippet: string | null = null) => {
    if (!fs.length) return;
    steps.push({
      id: `${action}:${credentialId ?? subjectId}`,
      identityId: subjectId,
      credentialId,
      action,
      ownerGroup: group,
      reason: reason ?? [...new Set(fs.map((f) => f.message))].join('; '),
      command: command ?? `# no provider command: ${fs[0]!.ruleId} needs a person (see \`nhi rules\`)`,
      shadow,
      findings: fs.map((f) => f.id).sort(),
      riskReduced: score(fs),
      snippet,
    });
  };
  const byCred = new Map<string, OpenFinding[]>();
  const own: OpenFinding[] = [];
  for (const f of findings) {
    if (f.credentialId && f.credentialId !== identity?.id) byCred.set(f.credentialId, [...(byCred.get(f.credentialId) ?? []), f]);
    else own.push(f);
  }
  for (const [credId, fs] of byCred) {
    const c = creds.find((x) => x.id === credId) ?? store.credential(credId);
    if (!c) continue;
    const rules = new Set(fs.map((f) => f.ruleId));
    if (isFoundSecret(c.kind)) {
      const path = view.sightings(c.id, 1)[0]?.path ?? null;
      add('purge-leak', c.id, fs, cmd.purgeLeak(c, path), false, `${fs[0]!.message}; rotate it at its issuer first`);
    } else if (c.kind === 'ci_secret') {
      const oidc = cmd.replaceWithOidc(c);
      add('replace-with-oidc', c.id, fs, oidc.command, false, undefined, oidc.snippet);
    } else if (rules.has('expired-credential')) {
      add('delete-key', c.id, fs, cmd.deleteKey(c, identity), false);
    } else if (rules.has('stale') || (rules.has('leaked-credential') && !rules.has('long-lived'))) {
      add('deactivate-key', c.id, fs, cmd.deactivateKey(c, identity), true);
    } else {
      add('rotate-key', c.id, fs, cmd.rotateKey(c, identity), false);
    }
  }
  if (!identity) return steps;
  const of = (rule: string) => own.filter((f) => f.ruleId === rule);
  // A leak of the identity's key with no credential step of its own (e.g. a leaked PAT is its own identity).
  const selfCred = creds.find((c) => c.id === identity.id);
  if (selfCred) {
    const fs = own.filter((f) => f.credentialId === identity.id || ['stale', 'leaked-credential', 'long-lived', 'expired-credential'].includes(f.ruleId));
    add('revoke', selfCred.id, fs, cmd.revokeCredential(selfCred, identity), fs.some((f) => f.ruleId === 'stale'));
  } else if (of('stale').length) {
    add('disable-identity', null, of('stale'), cmd.disableIdentity(identity), true);
  }
  const admin = view.grantsOf(identity.id).filter((g) => g.privilege === 'admin');
  const seen = creds.map((c) => c.attributes.lastUsedService).filter((x): x is string => typeof x === 'string');
  const scopeReason = seen.length ? `; keep what it was seen using: ${[...new Set(seen)].join(', ')}` : '';
  const godCommand = admin.map((g) => cmd.scopeDown(identity, g)).filter((x): x is string => !!x);
  add('scope-down', null, of('god-mode'), godCommand.length ? godCommand.join('\n') : null, false, of('god-mode')[0] ? of('god-mode')[0]!.message + scopeReason : undefined);
  add('assign-owner', null, of('unowned'), cmd.tagOwner(identity), false);
  // A trust already pinned, flagged for who may push to its repository: nothing to pin; a person reviews who may push.
  const pushOnly = of('external-trust').filter((f) => store.evidenceOf([f.id])[0]?.pinning === 'pinned-ref-or-environment');
  const trustFindings = of('external-trust').filter((f) => !pushOnly.includes(f));
  const pin = trustFindings.length ? cmd.pinTrust(identity, store.evidenceOf(trustFindings.map((f) => f.id)) as cmd.TrustEvidence[]) : null;
  add('pin-trust', null, trustFindings, pin?.command ?? null, false, undefined, pin?.snippet ?? null);
  add('remove-console-access', null, of('human-use'), cmd.removeConsoleAccess(identity), false);
  add('set-webhook-secret', null, of('insecure-authentication'), cmd.setWebhookSecret(identity), false);
  add('review-third-party', null, of('third-party-access'), null, false);
  const handled = new Set(['stale', 'god-mode', 'unowned', 'external-trust', 'human-use', 'insecure-authentication', 'third-party-access', 'leaked-credential', 'long-lived', 'expired-credential']);
  add('review', null, [...pushOnly, ...own.filter((f) => !handled.has(f.ruleId) || (!selfCred && ['leaked-credential', 'long-lived', 'expired-credential'].includes(f.ruleId)))], null, false);
  return steps;
}
