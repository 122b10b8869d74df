// A small estate for the gcp scanner tests, in the shapes the local Google API stand-in serves.
import { FOREVER, type FakeEstate } from '../../../scanners/gcp/demo/google-api.js';

export const NOW = new Date('2026-06-01T12:00:00Z');
export const TOKEN = 'ya29.a0AfB_fixtureAccessToken_0123456789abcdef';

const ago = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ahead = (d: number) => new Date(NOW.getTime() + d * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const KEYS = {
  oldForever: '1f0e2d3c4b5a69788796a5b4c3d2e1f001122334',
  disabled: '2f0e2d3c4b5a69788796a5b4c3d2e1f001122334',
  expired: '3f0e2d3c4b5a69788796a5b4c3d2e1f001122334',
  system: '4f0e2d3c4b5a69788796a5b4c3d2e1f001122334',
  fresh: '5f0e2d3c4b5a69788796a5b4c3d2e1f001122334',
  ofDisabledAccount: '6f0e2d3c4b5a69788796a5b4c3d2e1f001122334',
};

/** Organisation example.com > folder 2001 > alpha; beta and gamma directly under the organisation. */
export function fixtureEstate(): FakeEstate {
  return {
    organizations: [
      {
        id: '1001',
        domain: 'example.com',
        createTime: ago(3000),
        policy: [
          { role: 'roles/owner', members: ['serviceAccount:org-admin@gamma.iam.gserviceaccount.com'] },
          { role: 'roles/browser', members: ['domain:example.com'] },
        ],
      },
    ],
    folders: [{ id: '2001', parent: 'organizations/1001', displayName: 'prod', createTime: ago(2000), policy: [{ role: 'roles/iam.serviceAccountUser', members: ['user:outsider@gmail.com'] }] }],
    projects: [
      {
        projectId: 'alpha',
        number: '111',
        parent: 'folders/2001',
        labels: { team: 'payments', env: 'prod' },
        createTime: ago(1000),
        activityApi: 'enabled',
        policy: [
          { role: 'roles/editor', members: ['serviceAccount:111-compute@developer.gserviceaccount.com'] },
          { role: 'roles/iam.serviceAccountTokenCreator', members: ['serviceAccount:ci@gamma.iam.gserviceaccount.com', 'user:vendor@partner.example'] },
          { role: 'roles/owner', members: ['user:alice@example.com', 'user:mallory@other.example'] },
          { role: 'roles/storage.objectViewer', members: ['serviceAccount:app@alpha.iam.gserviceaccount.com'] },
          {
            role: 'roles/storage.objectAdmin',
            members: ['serviceAccount:app@alpha.iam.gserviceaccount.com'],
            condition: { title: 'uploads-only', expression: 'resource.name.startsWith("projects/_/buckets/uploads")' },
          },
          { role: 'roles/compute.serviceAgent', members: ['serviceAccount:service-111@compute-system.iam.gserviceaccount.com'] },
          { role: 'projects/alpha/roles/customDeployer', members: ['serviceAccount:app@alpha.iam.gserviceaccount.com'] },
          { role: 'roles/viewer', members: ['serviceAccount:auditor@alpha.iam.gserviceaccount.com', 'serviceAccount:outside@elsewhere-proj.iam.gserviceaccount.com'] },
        ],
        serviceAccounts: [
          { email: '111-compute@developer.gserviceaccount.com', uniqueId: '100000000000000000001', displayName: 'Compute Engine default service account', lastAuthenticated: ago(1) },
          { email: 'alpha@appspot.gserviceaccount.com', uniqueId: '100000000000000000002', displayName: 'App Engine default service account' },
          {
            email: 'app@alpha.iam.gserviceaccount.com',
            uniqueId: '100000000000000000003',
            description: 'API backend\nowner: web-team',
            lastAuthenticated: ago(3),
            keys: [
              { id: KEYS.oldForever, keyType: 'USER_MANAGED', keyOrigin: 'GOOGLE_PROVIDED', validAfterTime: ago(1100), validBeforeTime: FOREVER, lastAuthenticated: ago(3) },
              { id: KEYS.disabled, keyType: 'USER_MANAGED', keyOrigin: 'USER_PROVIDED', validAfterTime: ago(400), validBeforeTime: ahead(100), disabled: true },
              { id: KEYS.expired, keyType: 'USER_MANAGED', validAfterTime: ago(500), validBeforeTime: ago(10) },
              { id: KEYS.system, keyType: 'SYSTEM_MANAGED', validAfterTime: ago(5), validBeforeTime: ahead(700) },
            ],
            policy: [
              { role: 'roles/iam.workloadIdentityUser', members: ['principalSet://iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/gh/attribute.repository/example/app'] },
              { role: 'roles/iam.serviceAccountTokenCreator', members: ['serviceAccount:robot@vendor-proj.iam.gserviceaccount.com', 'serviceAccount:ci@gamma.iam.gserviceaccount.com'] },
              { role: 'roles/iam.serviceAccountTokenCreator', members: ['allAuthenticatedUsers'], condition: { title: 'business-hours', expression: 'request.time.getHours("Europe/Paris") < 18' } },
            ],
          },
          { email: 'idle@alpha.iam.gserviceaccount.com', uniqueId: '100000000000000000004', lastAuthenticated: ago(200) },
          {
            email: 'wif@alpha.iam.gserviceaccount.com',
            uniqueId: '100000000000000000005',
            policy: [{ role: 'roles/iam.workloadIdentityUser', members: ['principalSet://iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/gh/*'] }],
            lastAuthenticated: ago(0),
          },
          {
            email: 'auditor@alpha.iam.gserviceaccount.com',
            uniqueId: '100000000000000000006',
            disabled: true,
            keys: [{ id: KEYS.ofDisabledAccount, keyType: 'USER_MANAGED', validAfterTime: ago(30), validBeforeTime: FOREVER }],
          },
        ],
      },
      {
        projectId: 'beta',
        number: '222',
        parent: 'organizations/1001',
        createTime: ago(900),
        activityApi: 'disabled',
        policy: [{ role: 'roles/viewer', members: ['serviceAccount:svc@beta.iam.gserviceaccount.com'] }],
        serviceAccounts: [
          { email: 'svc@beta.iam.gserviceaccount.com', uniqueId: '200000000000000000001', keys: [{ id: KEYS.fresh, keyType: 'USER_MANAGED', validAfterTime: ago(10), validBeforeTime: ahead(80) }] },
        ],
      },
      {
        projectId: 'gamma',
        number: '333',
        parent: 'organizations/1001',
        createTime: ago(800),
        activityApi: 'denied',
        policy: [],
        serviceAccounts: [
          { email: 'ci@gamma.iam.gserviceaccount.com', uniqueId: '300000000000000000001' },
          { email: 'org-admin@gamma.iam.gserviceaccount.com', uniqueId: '300000000000000000002' },
        ],
      },
    ],
  };
}

/** An estate of `n` projects with `m` service accounts each, for paging. */
export function bigEstate(n: number, m: number): FakeEstate {
  const e: FakeEstate = { organizations: [{ id: '9001', domain: 'big.example', createTime: ago(100), policy: [] }], folders: [], projects: [] };
  for (let i = 0; i < n; i++) {
    const id = `proj-${String(i).padStart(2, '0')}`;
    e.projects.push({
      projectId: id,
      number: String(5000 + i),
      parent: 'organizations/9001',
      createTime: ago(50),
      activityApi: 'enabled',
      policy: [],
      serviceAccounts: Array.from({ length: m }, (_, j) => ({ email: `sa-${j}@${id}.iam.gserviceaccount.com`, uniqueId: `9${String(i).padStart(2, '0')}${String(j).padStart(18, '0')}`, lastAuthenticated: ago(j) })),
    });
  }
  return e;
}
