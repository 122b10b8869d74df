// Kubernetes workload identity annotations become edges from the service account to the cloud
// identity it becomes, so reach crosses from a cluster into AWS, GCP and Azure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveEdges, reachFromRows, type IdentityInput, type TrustInput } from '../../src/reach/index.js';
import { awsPolicyTrusts } from './estate.js';

const SA = 'kubernetes://prod/namespaces/payments/serviceaccounts/payments-api';
const ROLE = 'arn:aws:iam::222222222222:role/db-migration-admin';
const trust = (identityId: string, cloud: string, annotation: string): TrustInput => ({
  identityId,
  provider: 'kubernetes',
  principal: SA,
  principalType: 'identity',
  condition: 'sub = system:serviceaccount:payments:payments-api',
  attributes: { cloud, annotation, subject: 'system:serviceaccount:payments:payments-api' },
});

test('kubernetes trust: IRSA and GKE annotations are federation edges from the service account', () => {
  const edges = [...deriveEdges({ identities: [], credentials: [], grants: [], trusts: [trust(ROLE, 'aws', 'eks.amazonaws.com/role-arn'), trust('app@proj.iam.gserviceaccount.com', 'gcp', 'iam.gke.io/gcp-service-account')] })];
  assert.deepEqual(
    edges.map((e) => [e.from, e.to, e.mechanism]),
    [
      [SA, ROLE, 'federation'],
      [SA, 'app@proj.iam.gserviceaccount.com', 'federation'],
    ],
  );
  assert.match(edges[0]?.evidence ?? '', /eks\.amazonaws\.com\/role-arn on system:serviceaccount:payments:payments-api: .*AWS role.*not verified/);
});

test('kubernetes trust: an Azure client id resolves to the service principal, not the app registration', () => {
  const client = '0f1e2d3c-0000-4000-8000-00000000c11e';
  const identities: IdentityInput[] = [
    { id: 'app-object', provider: 'azure', scope: 'azure:t', kind: 'app_registration', name: 'payments', attributes: { appId: client, applicationObjectId: 'app-object' } },
    { id: 'sp-object', provider: 'azure', scope: 'azure:t', kind: 'service_principal', name: 'payments', attributes: { appId: client } },
  ];
  const edges = [...deriveEdges({ identities, credentials: [], grants: [], trusts: [trust(client.toUpperCase(), 'azure', 'azure.workload.identity/client-id')] })];
  assert.deepEqual(edges.map((e) => [e.from, e.to]), [[SA, 'sp-object']]);
  // Unknown client id: an outside node, never a dangling identity id.
  const unknown = [...deriveEdges({ identities: [], credentials: [], grants: [], trusts: [trust(client, 'azure', 'azure.workload.identity/client-id')] })];
  assert.equal(unknown[0]?.to, `ext:oidc:azure-client:${client}`);
});

test('kubernetes trust: the service account reaches the AWS admin role in one hop', () => {
  const { reach } = reachFromRows({
    identities: [
      { id: SA, provider: 'kubernetes', scope: 'kubernetes:prod', kind: 'service_account', name: 'payments/payments-api' },
      { id: ROLE, provider: 'aws', scope: 'aws:222222222222', kind: 'iam_role', name: 'db-migration-admin' },
    ],
    credentials: [],
    grants: [{ identityId: ROLE, provider: 'aws', resource: 'aws:222222222222', role: 'AdministratorAccess', privilege: 'admin', via: 'direct', evidence: null }],
    trusts: [trust(ROLE, 'aws', 'eks.amazonaws.com/role-arn')],
  });
  const s = reach.strongest(SA);
  assert.equal(s?.privilege, 'admin');
  assert.deepEqual(s?.chain.map((h) => [h.from, h.to, h.mechanism]), [[SA, ROLE, 'federation']]);
});

const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/5C0FFEE0000000000000000000000000';
/** The role's trust policy as the AWS scanner records it. */
function roleTrusts(op: string, sub: string | null): TrustInput[] {
  const cond: Record<string, Record<string, string>> = { StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' } };
  if (sub) cond[op] = { ...(cond[op] ?? {}), [`${ISSUER}:sub`]: sub };
  const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::222222222222:oidc-provider/${ISSUER}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: cond }] };
  return awsPolicyTrusts(ROLE, doc, { accountId: '222222222222', estateAccounts: new Set(['222222222222']) });
}
const irsaEdges = (aws: TrustInput[]) => [...deriveEdges({ identities: [], credentials: [], grants: [], trusts: [trust(ROLE, 'aws', 'eks.amazonaws.com/role-arn'), ...aws] })].filter((e) => e.from === SA);

test('kubernetes trust: IRSA is checked against the role\'s EKS OIDC trust when the inventory has it', () => {
  const pinned = irsaEdges(roleTrusts('StringEquals', 'system:serviceaccount:payments:payments-api'));
  assert.equal(pinned.length, 1);
  assert.match(pinned[0]?.evidence ?? '', /admitted by its trust policy: issuer oidc\.eks\.eu-west-1.*sub system:serviceaccount:payments:payments-api/);
  assert.equal(irsaEdges(roleTrusts('StringLike', 'system:serviceaccount:payments:*')).length, 1, 'a wildcard subject of the namespace admits it');
  assert.match(irsaEdges(roleTrusts('StringEquals', null))[0]?.evidence ?? '', /any service account \(no sub condition\)/);
  // The role trusts the cluster, but for another account: the annotation alone does not get in.
  assert.deepEqual(irsaEdges(roleTrusts('StringEquals', 'system:serviceaccount:payments:other')), []);
  assert.deepEqual(irsaEdges(roleTrusts('StringLike', 'system:serviceaccount:web:*')), []);
});

test('kubernetes trust: a GKE annotation is checked against the Google service account\'s workload identity bindings', () => {
  const GSA = 'app@proj.iam.gserviceaccount.com';
  const binding = (member: string): TrustInput => ({ identityId: GSA, provider: 'gcp', principal: `serviceAccount:${member}`, principalType: 'identity', condition: null, attributes: { roles: ['roles/iam.workloadIdentityUser'] } });
  const gke = (gcp: TrustInput[]) => [...deriveEdges({ identities: [], credentials: [], grants: [], trusts: [trust(GSA, 'gcp', 'iam.gke.io/gcp-service-account'), ...gcp] })].filter((e) => e.from === SA);
  assert.match(gke([binding('proj.svc.id.goog[payments/payments-api]')])[0]?.evidence ?? '', /admitted by its IAM policy: workload pool proj\.svc\.id\.goog/);
  assert.deepEqual(gke([binding('proj.svc.id.goog[web/frontend]')]), [], 'bound for another account only');
  assert.match(gke([])[0]?.evidence ?? '', /not verified/);
});
