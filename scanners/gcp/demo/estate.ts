// The GCP part of the demo estate (Acme Corp): three projects under one organisation, with
// the classic findings — the default compute account holding Editor, a 3-year-old
// user-managed key that never expires, a service account unused for 200 days, token creator
// granted project-wide to the CI account, an outside-domain Owner — among healthy,
// keyless, workload-identity-only accounts with owners.
import { createHash } from 'node:crypto';
import { DEMO } from '../../../src/demo/estate.js';
import { FOREVER, type FakeBinding, type FakeEstate, type FakeProject, type FakeServiceAccount } from './google-api.js';

export const DEMO_GCP = {
  org: DEMO.gcp.organizationId,
  domain: DEMO.domain,
  prodFolder: '300000000001',
  projects: { prod: 'acme-prod', data: 'acme-data', ci: 'acme-ci' },
  numbers: { prod: '410000000001', data: '410000000002', ci: '410000000003' },
  outsideOwner: 'user:dev@contractor-partner.example',
  ciAccount: 'ci-deployer@acme-ci.iam.gserviceaccount.com',
  staleAccount: 'reporting-export@acme-prod.iam.gserviceaccount.com',
  oldKeyAccount: 'legacy-batch@acme-prod.iam.gserviceaccount.com',
} as const;

export function demoKeyId(seed: string): string {
  return createHash('sha1').update(`gcp-demo-key:${seed}`).digest('hex');
}

function uniqueId(seed: string): string {
  const h = createHash('sha1').update(`gcp-demo-sa:${seed}`).digest();
  let n = '1';
  for (let i = 0; n.length < 21; i++) n += String(h[i % h.length] % 10);
  return n;
}

export function buildDemoEstate(now: Date, day = 0): FakeEstate {
  const ago = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ahead = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const N = DEMO_GCP.numbers;
  const P = DEMO_GCP.projects;

  const sa = (project: string, name: string, extra: Partial<FakeServiceAccount> = {}): FakeServiceAccount => ({
    email: name.includes('@') ? name : `${name}@${project}.iam.gserviceaccount.com`,
    uniqueId: uniqueId(`${project}/${name}`),
    keys: [{ id: demoKeyId(`${project}/${name}/system`), keyType: 'SYSTEM_MANAGED', keyOrigin: 'GOOGLE_PROVIDED', validAfterTime: ago(9), validBeforeTime: ahead(730) }],
    lastAuthenticated: ago(1),
    ...extra,
  });
  const keyless = (project: string, name: string, owner: string, display: string, lastDays = 1): FakeServiceAccount =>
    sa(project, name, { displayName: display, description: `owner: ${owner}\nWorkload identity only; no keys.`, lastAuthenticated: ago(lastDays) });
  const gkeWi = (project: string, ns: string, ksa: string): FakeBinding[] => [
    { role: 'roles/iam.workloadIdentityUser', members: [`serviceAccount:${project}.svc.id.goog[${ns}/${ksa}]`] },
  ];
  const repoWi = (num: string, repo: string): FakeBinding[] => [
    { role: 'roles/iam.workloadIdentityUser', members: [`principalSet://iam.googleapis.com/projects/${num}/locations/global/workloadIdentityPools/github/attribute.repository/${repo}`] },
  ];
  const email = (project: string, name: string) => `${name}@${project}.iam.gserviceaccount.com`;

  // ---- acme-prod -----------------------------------------------------------------------
  const prodSAs: FakeServiceAccount[] = [
    sa(P.prod, `${N.prod}-compute@developer.gserviceaccount.com`, { displayName: 'Compute Engine default service account', lastAuthenticated: ago(0) }),
    sa(P.prod, 'legacy-batch', {
      displayName: 'Legacy nightly batch',
      description: 'Nightly settlement batch on the old VM fleet',
      keys: [
        // From demo day 1 the 2023 key is rotated away (a plan step done).
        ...(day >= 1 ? [] : [{ id: demoKeyId('legacy-batch/2023'), keyType: 'USER_MANAGED' as const, keyOrigin: 'GOOGLE_PROVIDED' as const, validAfterTime: ago(1100), validBeforeTime: FOREVER, lastAuthenticated: ago(2) }]),
        { id: demoKeyId('legacy-batch/system'), keyType: 'SYSTEM_MANAGED', keyOrigin: 'GOOGLE_PROVIDED', validAfterTime: ago(5), validBeforeTime: ahead(720) },
      ],
      lastAuthenticated: ago(2),
    }),
    // Disabled on demo day 1 (shadow deprovisioning); by day 30 someone re-enabled it and it ran on day 29: something depends on it.
    sa(P.prod, 'reporting-export', { displayName: 'Reporting export (retired?)', description: 'Exports to the old BI tool', lastAuthenticated: day >= 30 ? ago(-(day - 1)) : ago(200), disabled: day >= 1 && day < 30 }),
    keyless(P.prod, 'api-runtime', 'payments-team', 'Payments API (GKE)'),
    keyless(P.prod, 'payments-worker', 'payments-team', 'Payments worker (GKE)'),
    keyless(P.prod, 'ledger-writer', 'payments-team', 'Ledger writer (Cloud Run)'),
    keyless(P.prod, 'fraud-scorer', 'risk-team', 'Fraud scoring (Cloud Run)'),
    keyless(P.prod, 'notifications', 'growth-team', 'Notifications (Cloud Run)', 3),
    keyless(P.prod, 'checkout-frontend', 'web-team', 'Checkout frontend (Cloud Run)'),
    keyless(P.prod, 'search-indexer', 'search-team', 'Search indexer (GKE)', 2),
    keyless(P.prod, 'cdn-purger', 'web-team', 'CDN purge job', 6),
    keyless(P.prod, 'backup-runner', 'sre-team', 'Cloud SQL export job'),
    keyless(P.prod, 'monitoring-agent', 'sre-team', 'Ops agent on VMs'),
    keyless(P.prod, 'secret-accessor', 'platform-team', 'External Secrets operator'),
    keyless(P.prod, 'pubsub-push', 'payments-team', 'Pub/Sub push auth'),
    keyless(P.prod, 'image-resizer', 'web-team', 'Image resizer (Cloud Functions)', 4),
    keyless(P.prod, 'audit-sink', 'security-team', 'Log sink writer'),
    // Owner of the production project: the CI deployer's Token Creator in acme-prod reaches it.
    keyless(P.prod, 'terraform-prod', 'platform-team', 'Terraform apply (production)'),
    sa(P.prod, 'partner-sftp', {
      displayName: 'Partner SFTP upload',
      description: 'owner: payments-team\nKey rotated every 60 days by the rotation job',
      keys: [{ id: demoKeyId('partner-sftp/current'), keyType: 'USER_MANAGED', keyOrigin: 'GOOGLE_PROVIDED', validAfterTime: ago(20), validBeforeTime: ahead(40), lastAuthenticated: ago(1) }],
    }),
    sa(P.prod, 'old-migration', { displayName: 'One-off migration 2024', description: 'owner: platform-team', disabled: true, lastAuthenticated: ago(400) }),
  ];
  for (const s of prodSAs) {
    const local = s.email.split('@')[0];
    if (['api-runtime', 'payments-worker', 'search-indexer', 'secret-accessor'].includes(local)) s.policy = gkeWi(P.prod, local === 'secret-accessor' ? 'external-secrets' : 'payments', local);
  }
  const prodPolicy: FakeBinding[] = [
    { role: 'roles/owner', members: ['group:platform-admins@acme.example', `serviceAccount:${email(P.prod, 'terraform-prod')}`] },
    { role: 'roles/editor', members: [`serviceAccount:${N.prod}-compute@developer.gserviceaccount.com`, 'group:payments-devs@acme.example'] },
    { role: 'roles/iam.serviceAccountTokenCreator', members: [`serviceAccount:${DEMO_GCP.ciAccount}`] },
    { role: 'roles/run.admin', members: [`serviceAccount:${DEMO_GCP.ciAccount}`] },
    { role: 'roles/cloudsql.client', members: ['api-runtime', 'payments-worker', 'ledger-writer', 'backup-runner'].map((n) => `serviceAccount:${email(P.prod, n)}`) },
    { role: 'roles/storage.objectAdmin', members: [`serviceAccount:${DEMO_GCP.oldKeyAccount}`] },
    { role: 'roles/bigquery.dataEditor', members: [`serviceAccount:${DEMO_GCP.staleAccount}`] },
    { role: 'roles/pubsub.publisher', members: ['notifications', 'payments-worker', 'fraud-scorer'].map((n) => `serviceAccount:${email(P.prod, n)}`) },
    { role: 'roles/logging.logWriter', members: ['monitoring-agent', 'audit-sink'].map((n) => `serviceAccount:${email(P.prod, n)}`) },
    { role: 'roles/monitoring.metricWriter', members: [`serviceAccount:${email(P.prod, 'monitoring-agent')}`] },
    { role: 'roles/secretmanager.secretAccessor', members: [`serviceAccount:${email(P.prod, 'secret-accessor')}`] },
    { role: 'roles/storage.objectViewer', members: ['checkout-frontend', 'image-resizer', 'cdn-purger', 'search-indexer'].map((n) => `serviceAccount:${email(P.prod, n)}`) },
    {
      role: 'roles/storage.objectCreator',
      members: [`serviceAccount:${email(P.prod, 'partner-sftp')}`],
      condition: { title: 'partner-inbox-only', expression: 'resource.name.startsWith("projects/_/buckets/acme-partner-inbox")' },
    },
    { role: 'roles/compute.serviceAgent', members: [`serviceAccount:service-${N.prod}@compute-system.iam.gserviceaccount.com`] },
    { role: 'roles/container.serviceAgent', members: [`serviceAccount:service-${N.prod}@container-engine-robot.iam.gserviceaccount.com`] },
    { role: 'roles/viewer', members: ['group:payments-readers@acme.example'] },
  ];

  // ---- acme-data -----------------------------------------------------------------------
  const dataSAs: FakeServiceAccount[] = [
    sa(P.data, `${P.data}@appspot.gserviceaccount.com`, { displayName: 'App Engine default service account', lastAuthenticated: ago(15) }),
    sa(P.data, `${N.data}-compute@developer.gserviceaccount.com`, { displayName: 'Compute Engine default service account', lastAuthenticated: ago(3) }),
    keyless(P.data, 'etl-runner', 'data-platform', 'Dataflow ETL'),
    keyless(P.data, 'dbt-runner', 'analytics', 'dbt models (Cloud Run jobs)'),
    keyless(P.data, 'airflow', 'data-platform', 'Composer environment'),
    keyless(P.data, 'looker', 'analytics', 'Looker connection', 2),
    keyless(P.data, 'ml-training', 'ml-team', 'Vertex training', 5),
    keyless(P.data, 'ml-serving', 'ml-team', 'Vertex endpoints'),
    keyless(P.data, 'feature-store', 'ml-team', 'Feature store sync', 2),
    keyless(P.data, 'data-quality', 'data-platform', 'Data quality checks', 7),
    keyless(P.data, 'warehouse-reader', 'analytics', 'Read-only BI access'),
    sa(P.data, 'tableau-legacy', {
      displayName: 'Tableau extract (legacy key)',
      description: 'owner: analytics',
      keys: [{ id: demoKeyId('tableau-legacy/2025'), keyType: 'USER_MANAGED', keyOrigin: 'GOOGLE_PROVIDED', validAfterTime: ago(150), validBeforeTime: ahead(215), lastAuthenticated: ago(1) }],
    }),
    keyless(P.data, 'gcs-archiver', 'data-platform', 'Bucket archiver', 10),
    keyless(P.data, 'pii-scanner', 'security-team', 'DLP inspection jobs', 3),
  ];
  const dataPolicy: FakeBinding[] = [
    { role: 'roles/owner', members: ['group:data-platform-admins@acme.example'] },
    { role: 'roles/editor', members: [`serviceAccount:${P.data}@appspot.gserviceaccount.com`] },
    { role: 'roles/bigquery.dataEditor', members: ['etl-runner', 'dbt-runner', 'airflow', 'feature-store'].map((n) => `serviceAccount:${email(P.data, n)}`) },
    { role: 'roles/bigquery.dataViewer', members: ['looker', 'warehouse-reader', 'data-quality', 'pii-scanner'].map((n) => `serviceAccount:${email(P.data, n)}`).concat([`serviceAccount:${email(P.data, 'tableau-legacy')}`]) },
    { role: 'roles/bigquery.jobUser', members: ['etl-runner', 'dbt-runner', 'looker', 'warehouse-reader', 'tableau-legacy'].map((n) => `serviceAccount:${email(P.data, n)}`) },
    { role: 'roles/dataflow.worker', members: [`serviceAccount:${email(P.data, 'etl-runner')}`] },
    { role: 'roles/aiplatform.user', members: ['ml-training', 'ml-serving'].map((n) => `serviceAccount:${email(P.data, n)}`) },
    { role: 'roles/storage.objectAdmin', members: [`serviceAccount:${email(P.data, 'gcs-archiver')}`] },
    { role: 'roles/dlp.user', members: [`serviceAccount:${email(P.data, 'pii-scanner')}`] },
    { role: 'roles/bigquery.dataViewer', members: [`serviceAccount:${email(P.prod, 'api-runtime')}`] },
  ];
  for (const s of dataSAs) {
    const local = s.email.split('@')[0];
    if (['ml-serving', 'feature-store'].includes(local)) s.policy = gkeWi(P.data, 'ml', local);
    // Composer may launch Dataflow jobs as the ETL account: granted on that account only.
    if (local === 'etl-runner') s.policy = [{ role: 'roles/iam.serviceAccountUser', members: [`serviceAccount:${email(P.data, 'airflow')}`] }];
  }

  // ---- acme-ci -------------------------------------------------------------------------
  const ciRepo = `${DEMO.github.org}/${DEMO.repo.name}`;
  const ciSAs: FakeServiceAccount[] = [
    sa(P.ci, 'ci-deployer', {
      displayName: 'CI deployer (GitHub Actions)',
      description: 'owner: platform-team\nDeploys from GitHub Actions through workload identity federation',
      policy: repoWi(N.ci, ciRepo),
      lastAuthenticated: ago(0),
    }),
    sa(P.ci, 'gh-actions-any', {
      displayName: 'GitHub Actions (any repository)',
      description: 'owner: platform-team',
      policy: [{ role: 'roles/iam.workloadIdentityUser', members: [`principalSet://iam.googleapis.com/projects/${N.ci}/locations/global/workloadIdentityPools/github/*`] }],
      lastAuthenticated: ago(4),
    }),
    keyless(P.ci, 'artifact-pusher', 'platform-team', 'Artifact Registry push'),
    keyless(P.ci, 'terraform-plan', 'platform-team', 'Terraform plan (read-only)'),
    keyless(P.ci, 'release-notes', 'platform-team', 'Release notes bot', 9),
    keyless(P.ci, 'cache-cleaner', 'platform-team', 'Build cache cleanup', 12),
    keyless(P.ci, 'org-audit', 'security-team', 'Organisation audit (read-only)'),
    keyless(P.ci, 'sbom-publisher', 'security-team', 'SBOM publisher', 2),
  ];
  for (const s of ciSAs) {
    const local = s.email.split('@')[0];
    if (['artifact-pusher', 'terraform-plan', 'release-notes', 'sbom-publisher'].includes(local)) s.policy = repoWi(N.ci, ciRepo);
  }
  const ciPolicy: FakeBinding[] = [
    // A contractor from an outside domain kept Owner of the CI project (and so of ci-deployer, which can mint tokens in prod).
    { role: 'roles/owner', members: ['group:platform-admins@acme.example', DEMO_GCP.outsideOwner] },
    { role: 'roles/artifactregistry.writer', members: ['artifact-pusher', 'ci-deployer', 'sbom-publisher'].map((n) => `serviceAccount:${email(P.ci, n)}`) },
    { role: 'roles/storage.objectAdmin', members: [`serviceAccount:${email(P.ci, 'cache-cleaner')}`] },
    { role: 'roles/viewer', members: [`serviceAccount:${email(P.ci, 'terraform-plan')}`, `serviceAccount:${email(P.ci, 'release-notes')}`] },
    { role: 'roles/cloudbuild.builds.editor', members: [`serviceAccount:${email(P.ci, 'gh-actions-any')}`] },
  ];

  const project = (key: 'prod' | 'data' | 'ci', parent: string, labels: Record<string, string>, policy: FakeBinding[], serviceAccounts: FakeServiceAccount[]): FakeProject => ({
    projectId: P[key],
    number: N[key],
    parent,
    displayName: `Acme ${key}`,
    labels,
    createTime: ago(key === 'prod' ? 1500 : 1200),
    policy,
    serviceAccounts,
    activityApi: 'enabled',
  });

  return {
    organizations: [
      {
        id: DEMO_GCP.org,
        domain: DEMO_GCP.domain,
        createTime: ago(2000),
        policy: [
          { role: 'roles/resourcemanager.organizationAdmin', members: ['group:gcp-org-admins@acme.example'] },
          { role: 'roles/iam.securityReviewer', members: [`serviceAccount:${email(P.ci, 'org-audit')}`] },
          { role: 'roles/browser', members: [`serviceAccount:${email(P.ci, 'org-audit')}`, 'domain:acme.example'] },
        ],
      },
    ],
    folders: [
      { id: DEMO_GCP.prodFolder, parent: `organizations/${DEMO_GCP.org}`, displayName: 'production', createTime: ago(1600), policy: [{ role: 'roles/editor', members: ['group:sre@acme.example'] }] },
    ],
    projects: [
      project('prod', `folders/${DEMO_GCP.prodFolder}`, { env: 'prod', 'cost-center': 'cc-410' }, prodPolicy, prodSAs),
      project('data', `organizations/${DEMO_GCP.org}`, { env: 'prod', team: 'data-platform' }, dataPolicy, dataSAs),
      project('ci', `organizations/${DEMO_GCP.org}`, { env: 'shared' }, ciPolicy, ciSAs),
    ],
  };
}
