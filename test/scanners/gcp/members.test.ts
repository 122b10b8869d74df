// Members named by project number: the Compute Engine default account and Google's service
// agents (dotted domains too) belong to the project with that number, which may lie outside
// the scanned estate; an organisation other than the scanned one is never asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityRecord, ScanRecord, TrustRecord } from '../../../src/model/records.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import { gcpScanner } from '../../../scanners/gcp/index.js';
import type { FakeEstate } from '../../../scanners/gcp/demo/google-api.js';
import { NOW } from './fixtures.js';
import { optionsFor, serve } from './helpers.js';

const identities = (r: ScanRecord[]) => r.filter((x): x is IdentityRecord => x.type === 'identity');
const trusts = (r: ScanRecord[]) => r.filter((x): x is TrustRecord => x.type === 'trust');
const T = '2020-01-01T00:00:00Z';

function estate(): FakeEstate {
  return {
    organizations: [
      { id: '1001', domain: 'example.com', createTime: T, policy: [] },
      { id: '7007', domain: 'other.example', createTime: T, policy: [] },
    ],
    folders: [{ id: '3003', parent: 'organizations/7007', displayName: 'theirs', createTime: T, policy: [] }],
    projects: [
      {
        projectId: 'alpha',
        number: '111',
        parent: 'organizations/1001',
        createTime: T,
        policy: [
          {
            role: 'roles/iam.serviceAccountTokenCreator',
            members: ['serviceAccount:999-compute@developer.gserviceaccount.com', 'serviceAccount:222-compute@developer.gserviceaccount.com'],
          },
          {
            role: 'roles/viewer',
            members: [
              'serviceAccount:service-111@cloud-ml.google.com.iam.gserviceaccount.com',
              'serviceAccount:service-999@gcp-sa-pubsub.iam.gserviceaccount.com',
              'serviceAccount:999-compute@developer.gserviceaccount.com',
            ],
          },
        ],
        serviceAccounts: [{ email: 'app@alpha.iam.gserviceaccount.com', uniqueId: '100000000000000000001' }],
      },
      { projectId: 'beta', number: '222', parent: 'organizations/1001', createTime: T, policy: [], serviceAccounts: [] },
      { projectId: 'theirs', number: '999', parent: 'organizations/7007', createTime: T, policy: [], serviceAccounts: [] },
      { projectId: 'theirs-too', number: '998', parent: 'folders/3003', createTime: T, policy: [], serviceAccounts: [] },
    ],
  };
}

test('gcp: a Compute Engine default account of a project outside the estate is external; one inside is not', async (t) => {
  const server = await serve(estate());
  t.after(() => server.close());
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server, { org: '1001', skipActivity: true }), now: NOW });
  assert.deepEqual(res.completedTargets.sort(), ['gcp:alpha', 'gcp:beta']);
  const onApp = trusts(res.records).filter((x) => x.identityId === 'app@alpha.iam.gserviceaccount.com');
  const outside = onApp.find((x) => x.principal === 'serviceAccount:999-compute@developer.gserviceaccount.com');
  assert.equal(outside?.principalType, 'external-account');
  assert.equal(outside?.risk, 'external');
  const inside = onApp.find((x) => x.principal === 'serviceAccount:222-compute@developer.gserviceaccount.com');
  assert.equal(inside?.principalType, 'identity', 'project 222 is scanned');
  assert.equal(inside?.risk, null);
  const foreign = identities(res.records).find((i) => i.id === '999-compute@developer.gserviceaccount.com');
  assert.equal(foreign?.kind, 'foreign_service_account');
  assert.equal(foreign?.attributes?.projectNumber, '999');
});

test('gcp: service agents, dotted domains included, are Google-managed and mapped to their project number', async (t) => {
  const server = await serve(estate());
  t.after(() => server.close());
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server, { org: '1001', skipActivity: true }), now: NOW });
  const ml = identities(res.records).find((i) => i.id === 'service-111@cloud-ml.google.com.iam.gserviceaccount.com');
  assert.equal(ml?.kind, 'service_agent');
  assert.equal(ml?.providerManaged, true);
  assert.equal(ml?.attributes?.projectNumber, '111');
  assert.equal(ml?.attributes?.agentOfProject, 'alpha');
  const pubsub = identities(res.records).find((i) => i.id === 'service-999@gcp-sa-pubsub.iam.gserviceaccount.com');
  assert.equal(pubsub?.kind, 'service_agent');
  assert.equal(pubsub?.attributes?.projectNumber, '999');
  assert.equal(pubsub?.attributes?.agentOfProject, null, 'project 999 is not scanned');
  assert.ok(!identities(res.records).some((i) => i.kind === 'foreign_service_account' && i.id.startsWith('service-')));
});

test('gcp: an organisation other than the scanned one gets no organizations.get or getIamPolicy', async (t) => {
  const server = await serve(estate());
  t.after(() => server.close());
  const res = await collect({ scanner: gcpScanner, options: optionsFor(server, { org: '1001', skipActivity: true }), now: NOW });
  assert.deepEqual(res.errors, []);
  const asked = server.requests.map((r) => r.path).filter((p) => p.startsWith('/v3/organizations/'));
  assert.ok(asked.length > 0 && asked.every((p) => p.startsWith('/v3/organizations/1001')), asked.join(', '));
});
