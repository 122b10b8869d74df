// Tiny estates for reach scenarios: rows with only the fields the engine reads.
import Database from 'better-sqlite3';
import type { CredentialInput, EdgeSources, GrantInput, GrantLevel, IdentityInput, TrustInput } from '../../src/reach/index.js';
import { ASSUMABLE_ROLE_VIA, classifyEnvironment, reachFromRows } from '../../src/reach/index.js';
import { edgeGrants } from '../../src/inventory/reach-store.js';
import { trustEdges } from '../../scanners/aws/trust.js';

export interface Estate {
  identities: IdentityInput[];
  credentials: CredentialInput[];
  grants: GrantInput[];
  trusts: TrustInput[];
}

export const estate = (): Estate => ({ identities: [], credentials: [], grants: [], trusts: [] });

export const awsRole = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
export const awsUser = (account: string, name: string) => `arn:aws:iam::${account}:user/${name}`;

export function identity(e: Estate, id: string, provider: IdentityInput['provider'], scope: string, extra: Partial<IdentityInput> = {}): string {
  e.identities.push({ id, provider, scope, kind: extra.kind ?? 'identity', name: extra.name ?? id.split('/').pop() ?? id, attributes: extra.attributes ?? {} });
  return id;
}

export function grant(e: Estate, identityId: string, provider: GrantInput['provider'], resource: string, role: string, privilege: GrantInput['privilege'], extra: Partial<GrantInput> = {}): void {
  e.grants.push({ identityId, provider, resource, role, privilege, via: extra.via ?? 'direct', evidence: extra.evidence ?? `${role} on ${resource}`, attributes: extra.attributes ?? {} });
}

export function trust(e: Estate, identityId: string, provider: TrustInput['provider'], principal: string, principalType: TrustInput['principalType'], extra: Partial<TrustInput> = {}): void {
  e.trusts.push({ identityId, provider, principal, principalType, condition: extra.condition ?? null, attributes: extra.attributes ?? {} });
}

export function credential(e: Estate, id: string, kind: CredentialInput['kind'], extra: Partial<CredentialInput> = {}): string {
  e.credentials.push({
    id,
    identityId: extra.identityId ?? null,
    provider: extra.provider ?? 'aws',
    kind,
    name: extra.name ?? id,
    keyId: extra.keyId ?? null,
    status: extra.status ?? 'active',
    attributes: extra.attributes ?? {},
  });
  return id;
}

/** A trust naming an AWS principal ARN (same or other account), as scanners/aws/trust.ts records it. */
export function awsTrustsArn(e: Estate, role: string, principal: string): void {
  trust(e, role, 'aws', principal, 'identity', { attributes: { account: principal.split(':')[4] } });
}

/** Reach of an estate, production told by scope names (`prod` in the resource). */
export function reachOf(e: Estate, maxDepth?: number) {
  const src: EdgeSources = e;
  return reachFromRows(src, { maxDepth, isProduction: (resource) => classifyEnvironment(resource) === 'prod' });
}

/**
 * Reach of an estate read as the inventory reads it: every grant's privilege apart, and whole only
 * the grants its SQL condition (edgeGrants) selects, here from an in-memory table of the grants.
 */
export function reachAsStored(e: Estate, maxDepth?: number) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE grants (n INTEGER, provider TEXT, role TEXT, privilege TEXT, via TEXT)');
  const put = db.prepare('INSERT INTO grants VALUES (?, ?, ?, ?, ?)');
  e.grants.forEach((g, n) => put.run(n, g.provider, g.role, g.privilege, g.via));
  const picked = db.prepare(`SELECT n FROM grants WHERE ${edgeGrants} ORDER BY n`).pluck().all() as number[];
  db.close();
  const levels: GrantLevel[] = e.grants.filter((g) => g.via !== ASSUMABLE_ROLE_VIA).map((g) => [g.identityId, g.privilege, g.resource]);
  const src: EdgeSources = { ...e, grants: picked.map((n) => e.grants[n]!), grantLevels: levels };
  return reachFromRows(src, { maxDepth, isProduction: (resource) => classifyEnvironment(resource) === 'prod' });
}

/** A key id built at run time: tests hold no secret-looking literals. */
export const keyId = (suffix: string) => ['AK', 'IA', 'TEST', suffix.padStart(12, '0')].join('');

/** A role's trust policy as the AWS scanner records it: its trust rows, for the reach engine. */
export function awsPolicyTrusts(role: string, doc: Parameters<typeof trustEdges>[0], ctx: Parameters<typeof trustEdges>[1]): TrustInput[] {
  return trustEdges(doc, ctx).map((e) => ({ identityId: role, provider: 'aws', principal: e.principal, principalType: e.principalType, condition: e.condition, attributes: e.attributes }));
}
