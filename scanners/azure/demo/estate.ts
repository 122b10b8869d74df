// The Azure part of the demo estate, in Microsoft Graph and ARM wire format (shapes after
// Microsoft's published examples). Deterministic except dates, which are relative to `now`.
import { DEMO } from '../../../src/demo/estate.js';

type Json = Record<string, unknown>;

export interface AzureEstate {
  tenantId: string;
  graph: {
    applications: Json[];
    servicePrincipals: Json[];
    /** object id (application or service principal) → owners */
    owners: Record<string, Json[]>;
    /** application object id → federated identity credentials */
    federated: Record<string, Json[]>;
    /** resource service principal id → app role assignments granted on it */
    appRoleAssignedTo: Record<string, Json[]>;
    directoryRoles: Json[];
    directoryRoleMembers: Record<string, Json[]>;
    spSignIns: Json[];
    credSignIns: Json[];
  };
  arm: {
    subscriptions: Json[];
    roleDefinitions: Json[];
    roleAssignments: Record<string, Json[]>;
    userAssignedIdentities: Record<string, Json[]>;
    /** UAMI resource id (lower case) → federated identity credentials */
    uamiFederated: Record<string, Json[]>;
    resources: Record<string, Json[]>;
  };
}

/** Deterministic GUID-shaped ids: `<prefix 8 hex>-0000-4000-8000-<n, 12 digits>`. */
export function gid(prefix: string, n: number): string {
  return `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_ROLES: Record<string, string> = {
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
  'RoleManagement.ReadWrite.Directory': '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'Group.Read.All': '5b567255-7703-4780-807c-7be8301ae99b',
  'Mail.Send': 'b633e1c5-b582-4048-a93e-9f11b44c7e96',
  'AuditLog.Read.All': 'b0afded3-3588-46d8-8b3d-9842eff778da',
};

export const ROLE_IDS = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'User Access Administrator': '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Acme Deployment Operator': gid('c0c0c0c0', 1),
} as const;
export type RoleName = keyof typeof ROLE_IDS;

const PERMISSIONS: Record<RoleName, Json> = {
  Owner: { actions: ['*'], notActions: [], dataActions: [], notDataActions: [] },
  Contributor: {
    actions: ['*'],
    notActions: [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
      'Microsoft.Blueprint/blueprintAssignments/delete',
      'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write',
      'Microsoft.Purview/consents/delete',
    ],
    dataActions: [],
    notDataActions: [],
  },
  Reader: { actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] },
  'User Access Administrator': { actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'], notActions: [], dataActions: [], notDataActions: [] },
  'Key Vault Secrets User': {
    actions: [],
    notActions: [],
    dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
    notDataActions: [],
  },
  'Storage Blob Data Contributor': {
    actions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/write',
      'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
    ],
    notActions: [],
    dataActions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write',
    ],
    notDataActions: [],
  },
  'Acme Deployment Operator': {
    actions: ['Microsoft.Resources/deployments/*', 'Microsoft.Web/sites/*', 'Microsoft.Resources/subscriptions/resourceGroups/read'],
    notActions: [],
    dataActions: [],
    notDataActions: [],
  },
};

export const DIRECTORY_ROLE_TEMPLATES = {
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Directory Readers': '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
} as const;

const MICROSOFT_SERVICES_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
export const CONTOSO_TENANT = 'c0a7b5e1-5555-4a4a-9b9b-0000000c0de0';
const FABRIKAM_TENANT = 'fab0fab0-6666-4b4b-8c8c-0000000fab00';

export interface AppSpec {
  name: string;
  /** Sequence number: ids derive from it. */
  n: number;
  owners: string[];
  /** Secrets: [created days ago, expires in days (null = never: 2299)] with last use days ago (null = never). */
  secrets?: { created: number; expiresIn: number | null; usedDaysAgo?: number | null; name?: string }[];
  certs?: { created: number; expiresIn: number; usedDaysAgo?: number | null }[];
  federated?: { name: string; issuer: string; subject?: string; expression?: string }[];
  /** Days since the service principal last signed in (null = not in the report). */
  lastSignIn: number | null;
  createdDaysAgo: number;
  arm?: { sub: 'prod' | 'dev'; role: RoleName; scope?: string }[];
  graph?: string[];
  directoryRoles?: (keyof typeof DIRECTORY_ROLE_TEMPLATES)[];
}

const users = (...names: string[]) => names.map((n) => `${n}@${DEMO.domain}`);

/** Home-tenant applications: the risky ones the story needs, then healthy ones. */
export function demoApps(): AppSpec[] {
  const prod = DEMO.azure.subscriptions.prod;
  const apps: AppSpec[] = [
    {
      // Client secret that never expires, service principal Owner of the prod subscription.
      name: 'acme-prod-deployer',
      n: 1,
      owners: users('dana.ops'),
      secrets: [{ created: 410, expiresIn: null, usedDaysAgo: 1, name: 'prod-deploy-pipeline' }],
      lastSignIn: 1,
      createdDaysAgo: 420,
      arm: [{ sub: 'prod', role: 'Owner' }],
    },
    {
      // Not used for 200 days.
      name: 'legacy-reporting-sync',
      n: 2,
      owners: users('raj.analytics'),
      secrets: [{ created: 80, expiresIn: 100, usedDaysAgo: 200 }],
      lastSignIn: 200,
      createdDaysAgo: 900,
      arm: [{ sub: 'prod', role: 'Reader', scope: `/subscriptions/${prod}/resourceGroups/rg-reporting-prod` }],
      graph: ['Directory.Read.All'],
    },
    {
      // Nobody owns it.
      name: 'orphaned-invoice-bot',
      n: 3,
      owners: [],
      secrets: [{ created: 30, expiresIn: 150, usedDaysAgo: 2 }],
      lastSignIn: 2,
      createdDaysAgo: 300,
      arm: [{ sub: 'prod', role: 'Reader', scope: `/subscriptions/${prod}/resourceGroups/rg-finance-prod` }],
      graph: ['Mail.Send'],
    },
    {
      // Federated credential trusting any branch of the deploy-scripts repository.
      name: 'acme-gh-actions-deploy',
      n: 4,
      owners: users('dana.ops', 'lee.platform'),
      federated: [
        {
          name: 'github-any-branch',
          issuer: 'https://token.actions.githubusercontent.com',
          expression: `claims['sub'] matches 'repo:${DEMO.github.org}/${DEMO.repo.name}:ref:refs/heads/*'`,
        },
      ],
      lastSignIn: 3,
      createdDaysAgo: 200,
      arm: [{ sub: 'prod', role: 'Contributor', scope: `/subscriptions/${prod}/resourceGroups/rg-web-prod` }],
    },
    {
      // Healthy counterpart: federated credential pinned to one environment.
      name: 'acme-gh-actions-infra',
      n: 5,
      owners: users('lee.platform'),
      federated: [{ name: 'github-infra-production', issuer: 'https://token.actions.githubusercontent.com', subject: `repo:${DEMO.github.org}/infra:environment:production` }],
      lastSignIn: 1,
      createdDaysAgo: 150,
      arm: [{ sub: 'prod', role: 'Acme Deployment Operator', scope: `/subscriptions/${prod}/resourceGroups/rg-web-prod` }],
    },
    {
      // An expired secret still attached next to its replacement certificate.
      name: 'acme-partner-sso',
      n: 6,
      owners: users('mia.identity'),
      secrets: [{ created: 400, expiresIn: -35, usedDaysAgo: 40 }],
      certs: [{ created: 20, expiresIn: 200, usedDaysAgo: 1 }],
      lastSignIn: 1,
      createdDaysAgo: 400,
    },
    {
      // Directory role: Application Administrator (admin-equivalent in the tenant).
      name: 'acme-app-lifecycle',
      n: 7,
      owners: users('mia.identity'),
      certs: [{ created: 10, expiresIn: 170, usedDaysAgo: 0 }],
      lastSignIn: 0,
      createdDaysAgo: 60,
      directoryRoles: ['Application Administrator'],
    },
    {
      name: 'acme-security-scanner',
      n: 8,
      owners: users('sam.secops'),
      certs: [{ created: 15, expiresIn: 75, usedDaysAgo: 0 }],
      lastSignIn: 0,
      createdDaysAgo: 80,
      graph: ['AuditLog.Read.All', 'Application.Read.All'],
      directoryRoles: ['Directory Readers'],
    },
  ];
  const healthy = [
    ['acme-web-frontend', 'web'],
    ['acme-orders-api', 'orders'],
    ['acme-payments-api', 'payments'],
    ['acme-inventory-svc', 'inventory'],
    ['acme-search-indexer', 'search'],
    ['acme-notifications', 'comms'],
    ['acme-data-pipeline', 'data'],
    ['acme-ml-scoring', 'ml'],
    ['acme-hr-connector', 'hr'],
    ['acme-crm-sync', 'sales'],
    ['acme-metrics-exporter', 'sre'],
    ['acme-log-shipper', 'sre'],
    ['acme-backup-runner', 'sre'],
    ['acme-cost-reporter', 'finops'],
    ['acme-mobile-backend', 'mobile'],
    ['acme-status-page', 'sre'],
    ['acme-user-provisioning', 'it'],
    ['acme-docs-site', 'web'],
  ] as const;
  healthy.forEach(([name, team], i) => {
    const sub = i % 3 === 2 ? 'dev' : 'prod';
    const subId = DEMO.azure.subscriptions[sub];
    apps.push({
      name,
      n: 20 + i,
      owners: users(`${team}.lead`),
      ...(i % 4 === 3 ? { certs: [{ created: 5 + i, expiresIn: 60, usedDaysAgo: i % 5 }] } : { secrets: [{ created: 5 + i * 3, expiresIn: 85 - i * 3 + 20, usedDaysAgo: i % 6 }] }),
      lastSignIn: i % 6,
      createdDaysAgo: 40 + i * 20,
      arm: [{ sub, role: i % 2 === 0 ? 'Reader' : 'Acme Deployment Operator', scope: `/subscriptions/${subId}/resourceGroups/rg-${team}-${sub}` }],
      graph: i % 5 === 0 ? ['User.Read.All'] : undefined,
      directoryRoles: name === 'acme-user-provisioning' ? ['User Administrator'] : undefined,
    });
  });
  return apps;
}

export interface MiSpec {
  name: string;
  n: number;
  sub: 'prod' | 'dev';
  rg: string;
  kind: 'user' | { type: string; resource: string };
  team: string;
  role: RoleName;
  lastSignIn: number;
  createdDaysAgo: number;
  federated?: { name: string; issuer: string; subject: string };
}

export function demoManagedIdentities(): MiSpec[] {
  const aks = `https://eastus.oic.prod-aks.azure.com/${DEMO.azure.tenantId}/${gid('a1c5a1c5', 1)}/`;
  return [
    { name: 'id-web-prod', n: 1, sub: 'prod', rg: 'rg-web-prod', kind: 'user', team: 'web', role: 'Key Vault Secrets User', lastSignIn: 0, createdDaysAgo: 300 },
    { name: 'id-orders-prod', n: 2, sub: 'prod', rg: 'rg-orders-prod', kind: 'user', team: 'orders', role: 'Storage Blob Data Contributor', lastSignIn: 0, createdDaysAgo: 250, federated: { name: 'aks-orders-api', issuer: aks, subject: 'system:serviceaccount:orders:orders-api' } },
    { name: 'id-payments-prod', n: 3, sub: 'prod', rg: 'rg-payments-prod', kind: 'user', team: 'payments', role: 'Key Vault Secrets User', lastSignIn: 1, createdDaysAgo: 220 },
    { name: 'id-reporting-prod', n: 4, sub: 'prod', rg: 'rg-reporting-prod', kind: 'user', team: 'data', role: 'Reader', lastSignIn: 2, createdDaysAgo: 180 },
    { name: 'id-ci-dev', n: 5, sub: 'dev', rg: 'rg-ci-dev', kind: 'user', team: 'platform', role: 'Acme Deployment Operator', lastSignIn: 0, createdDaysAgo: 120 },
    { name: 'id-test-runner-dev', n: 6, sub: 'dev', rg: 'rg-ci-dev', kind: 'user', team: 'qa', role: 'Reader', lastSignIn: 3, createdDaysAgo: 90 },
    { name: 'app-web-prod', n: 7, sub: 'prod', rg: 'rg-web-prod', kind: { type: 'Microsoft.Web/sites', resource: 'sites' }, team: 'web', role: 'Storage Blob Data Contributor', lastSignIn: 0, createdDaysAgo: 310 },
    { name: 'func-orders-prod', n: 8, sub: 'prod', rg: 'rg-orders-prod', kind: { type: 'Microsoft.Web/sites', resource: 'sites' }, team: 'orders', role: 'Key Vault Secrets User', lastSignIn: 0, createdDaysAgo: 260 },
    { name: 'vm-bastion-prod', n: 9, sub: 'prod', rg: 'rg-network-prod', kind: { type: 'Microsoft.Compute/virtualMachines', resource: 'virtualMachines' }, team: 'sre', role: 'Reader', lastSignIn: 1, createdDaysAgo: 500 },
    { name: 'app-web-dev', n: 10, sub: 'dev', rg: 'rg-web-dev', kind: { type: 'Microsoft.Web/sites', resource: 'sites' }, team: 'web', role: 'Reader', lastSignIn: 4, createdDaysAgo: 100 },
    { name: 'func-etl-dev', n: 11, sub: 'dev', rg: 'rg-data-dev', kind: { type: 'Microsoft.Web/sites', resource: 'sites' }, team: 'data', role: 'Storage Blob Data Contributor', lastSignIn: 2, createdDaysAgo: 70 },
  ];
}

export function buildAzureEstate(now: Date): AzureEstate {
  const tenantId = DEMO.azure.tenantId;
  const day = 86_400_000;
  const ago = (d: number) => new Date(now.getTime() - d * day).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ahead = (d: number | null) => (d === null ? '2299-12-31T00:00:00Z' : new Date(now.getTime() + d * day).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const subs = DEMO.azure.subscriptions;

  const e: AzureEstate = {
    tenantId,
    graph: { applications: [], servicePrincipals: [], owners: {}, federated: {}, appRoleAssignedTo: {}, directoryRoles: [], directoryRoleMembers: {}, spSignIns: [], credSignIns: [] },
    arm: { subscriptions: [], roleDefinitions: [], roleAssignments: { [subs.prod]: [], [subs.dev]: [] }, userAssignedIdentities: { [subs.prod]: [], [subs.dev]: [] }, uamiFederated: {}, resources: { [subs.prod]: [], [subs.dev]: [] } },
  };
  const g = e.graph;
  const a = e.arm;

  // --- Subscriptions and role definitions
  for (const [k, id] of Object.entries(subs)) {
    a.subscriptions.push({
      id: `/subscriptions/${id}`,
      subscriptionId: id,
      tenantId,
      displayName: `Acme ${k === 'prod' ? 'Production' : 'Development'}`,
      state: 'Enabled',
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      tags: {},
    });
  }
  for (const [name, guid] of Object.entries(ROLE_IDS) as [RoleName, string][]) {
    const custom = name === 'Acme Deployment Operator';
    a.roleDefinitions.push({
      properties: {
        roleName: name,
        type: custom ? 'CustomRole' : 'BuiltInRole',
        description: custom ? 'Deploy templates and manage web apps' : `Built-in role ${name}`,
        assignableScopes: custom ? [`/subscriptions/${subs.prod}`, `/subscriptions/${subs.dev}`] : ['/'],
        permissions: [PERMISSIONS[name]],
        createdOn: custom ? ago(500) : '2015-02-02T21:55:09.8806423Z',
        updatedOn: custom ? ago(100) : '2021-11-11T20:13:47.8628684Z',
        createdBy: null,
        updatedBy: null,
      },
      id: `/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
      type: 'Microsoft.Authorization/roleDefinitions',
      name: guid,
    });
  }
  let raN = 0;
  const assign = (sub: string, principalId: string, principalType: string, role: RoleName, scope: string, createdDaysAgo: number) => {
    const name = gid('aa000000', ++raN);
    const assignedScope = scope;
    const target = assignedScope.startsWith('/subscriptions/') ? [sub] : [subs.prod, subs.dev]; // management group: visible from both
    for (const s of target) {
      a.roleAssignments[s].push({
        properties: {
          roleDefinitionId: `/subscriptions/${s}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS[role]}`,
          principalId,
          principalType,
          scope: assignedScope,
          condition: null,
          conditionVersion: null,
          createdOn: ago(createdDaysAgo),
          updatedOn: ago(createdDaysAgo),
          createdBy: gid('0e0e0e0e', 1),
          updatedBy: gid('0e0e0e0e', 1),
          delegatedManagedIdentityResourceId: null,
          description: null,
        },
        id: `${assignedScope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        type: 'Microsoft.Authorization/roleAssignments',
        name,
      });
    }
  };

  // --- Microsoft first-party service principals (provider-managed)
  const graphSpId = gid('5f000000', 1);
  g.servicePrincipals.push({
    id: graphSpId,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: 'Microsoft Graph',
    appId: GRAPH_APP_ID,
    appOwnerOrganizationId: MICROSOFT_SERVICES_TENANT,
    appRoleAssignmentRequired: false,
    appRoles: Object.entries(GRAPH_ROLES).map(([value, id]) => ({
      allowedMemberTypes: ['Application'],
      description: `Allows the app to use ${value} without a signed-in user.`,
      displayName: value,
      id,
      isEnabled: true,
      origin: 'Application',
      value,
    })),
    displayName: 'Microsoft Graph',
    servicePrincipalNames: ['https://graph.microsoft.com', GRAPH_APP_ID],
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMultipleOrgs',
    passwordCredentials: [],
    keyCredentials: [],
    tags: [],
    publisherName: 'Microsoft Services',
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
  });
  for (const [i, [name, appId]] of (
    [
      ['Office 365 Exchange Online', '00000002-0000-0ff1-ce00-000000000000'],
      ['Azure Portal', 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c'],
    ] as const
  ).entries()) {
    g.servicePrincipals.push({
      id: gid('5f000000', 2 + i),
      accountEnabled: true,
      alternativeNames: [],
      appDisplayName: name,
      appId,
      appOwnerOrganizationId: MICROSOFT_SERVICES_TENANT,
      appRoles: [],
      displayName: name,
      servicePrincipalNames: [appId],
      servicePrincipalType: 'Application',
      signInAudience: 'AzureADMultipleOrgs',
      passwordCredentials: [],
      keyCredentials: [],
      tags: [],
      publisherName: 'Microsoft Services',
    });
  }
  const grantGraph = (principalId: string, principalName: string, perm: string, createdDaysAgo: number) => {
    const list = (g.appRoleAssignedTo[graphSpId] ??= []);
    list.push({
      id: `aRa${principalId.slice(0, 8)}${perm.replace(/\W/g, '').slice(0, 20)}`,
      deletedDateTime: null,
      appRoleId: GRAPH_ROLES[perm],
      createdDateTime: ago(createdDaysAgo),
      principalDisplayName: principalName,
      principalId,
      principalType: 'ServicePrincipal',
      resourceDisplayName: 'Microsoft Graph',
      resourceId: graphSpId,
    });
  };
  // A person with consented delegated access shows up too; it is not a service principal.
  (g.appRoleAssignedTo[graphSpId] ??= []).push({
    id: 'aRaUserAssignment0001',
    deletedDateTime: null,
    appRoleId: '00000000-0000-0000-0000-000000000000',
    createdDateTime: ago(300),
    principalDisplayName: 'Dana Ops',
    principalId: gid('0e0e0e0e', 2),
    principalType: 'User',
    resourceDisplayName: 'Microsoft Graph',
    resourceId: graphSpId,
  });

  // --- Directory roles (activated)
  const roleIds: Record<string, string> = {};
  Object.entries(DIRECTORY_ROLE_TEMPLATES).forEach(([name, template], i) => {
    const id = gid('d1d1d1d1', i + 1);
    roleIds[name] = id;
    g.directoryRoles.push({ id, deletedDateTime: null, description: `${name} role`, displayName: name, roleTemplateId: template });
    g.directoryRoleMembers[id] = [
      { '@odata.type': '#microsoft.graph.user', id: gid('0e0e0e0e', 10 + i), displayName: 'Break Glass', userPrincipalName: `breakglass${i}@${DEMO.domain}` },
    ];
  });

  // --- Home applications and their service principals
  const userObj = (upn: string, n: number) => ({ '@odata.type': '#microsoft.graph.user', id: gid('0e0e0e0e', 100 + n), displayName: upn.split('@')[0], userPrincipalName: upn, mail: upn });
  const upns = new Map<string, number>();
  const ownerObjs = (list: string[]) => list.map((u) => userObj(u, upns.get(u) ?? (upns.set(u, upns.size + 1), upns.size)));
  for (const s of demoApps()) {
    const appObjectId = gid('a0a0a0a0', s.n);
    const appId = gid('c1c1c1c1', s.n);
    const spId = gid('5e5e5e5e', s.n);
    const passwordCredentials = (s.secrets ?? []).map((x, i) => {
      const keyId = gid('4e4e4e4e', s.n * 10 + i);
      if (x.usedDaysAgo !== undefined && x.usedDaysAgo !== null) {
        g.credSignIns.push(credActivity(appId, appObjectId, spId, keyId, 'clientSecret', ahead(x.expiresIn), ago(x.usedDaysAgo)));
      }
      return { customKeyIdentifier: null, displayName: x.name ?? `${s.name}-secret`, endDateTime: ahead(x.expiresIn), hint: 'Dm0', keyId, secretText: null, startDateTime: ago(x.created) };
    });
    const keyCredentials = (s.certs ?? []).map((x, i) => {
      const keyId = gid('4c4c4c4c', s.n * 10 + i);
      if (x.usedDaysAgo !== undefined && x.usedDaysAgo !== null) {
        g.credSignIns.push(credActivity(appId, appObjectId, spId, keyId, 'certificate', ahead(x.expiresIn), ago(x.usedDaysAgo)));
      }
      return {
        customKeyIdentifier: `${(s.n * 7919).toString(16).toUpperCase().padStart(8, '0')}52ED9B5038A47B9E2E2190715CC2`,
        displayName: `CN=${s.name}`,
        endDateTime: ahead(x.expiresIn),
        key: null,
        keyId,
        startDateTime: ago(x.created),
        type: 'AsymmetricX509Cert',
        usage: 'Verify',
      };
    });
    g.applications.push({
      id: appObjectId,
      appId,
      displayName: s.name,
      createdDateTime: ago(s.createdDaysAgo),
      signInAudience: 'AzureADMyOrg',
      publisherDomain: DEMO.domain,
      passwordCredentials,
      keyCredentials,
      tags: [],
    });
    g.owners[appObjectId] = ownerObjs(s.owners);
    g.federated[appObjectId] = (s.federated ?? []).map((f, i) => ({
      id: gid('fedc0000', s.n * 10 + i),
      name: f.name,
      issuer: f.issuer,
      subject: f.subject ?? null,
      description: null,
      audiences: ['api://AzureADTokenExchange'],
      ...(f.expression ? { claimsMatchingExpression: { value: f.expression, languageVersion: 1 } } : {}),
    }));
    g.servicePrincipals.push({
      id: spId,
      accountEnabled: true,
      alternativeNames: [],
      appDisplayName: s.name,
      appId,
      appOwnerOrganizationId: tenantId,
      appRoleAssignmentRequired: false,
      appRoles: [],
      displayName: s.name,
      servicePrincipalNames: [appId],
      servicePrincipalType: 'Application',
      signInAudience: 'AzureADMyOrg',
      passwordCredentials: [],
      keyCredentials: [],
      tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
      publisherName: DEMO.company,
    });
    g.owners[spId] = [];
    if (s.lastSignIn !== null) g.spSignIns.push(spActivity(appId, ago(s.lastSignIn)));
    for (const r of s.arm ?? []) assign(subs[r.sub], spId, 'ServicePrincipal', r.role, r.scope ?? `/subscriptions/${subs[r.sub]}`, Math.min(s.createdDaysAgo, 100));
    for (const p of s.graph ?? []) grantGraph(spId, s.name, p, Math.min(s.createdDaysAgo, 60));
    for (const d of s.directoryRoles ?? []) {
      g.directoryRoleMembers[roleIds[d]].push({ '@odata.type': '#microsoft.graph.servicePrincipal', id: spId, displayName: s.name, appId });
    }
  }
  // Management-group Reader for the security scanner: inherited by both subscriptions.
  assign(subs.prod, gid('5e5e5e5e', 8), 'ServicePrincipal', 'Reader', '/providers/Microsoft.Management/managementGroups/acme-root', 80);
  // People and groups hold roles too; they are not non-human identities.
  assign(subs.prod, gid('0e0e0e0e', 2), 'User', 'Owner', `/subscriptions/${subs.prod}`, 700);
  assign(subs.prod, gid('0e0e0e0e', 3), 'Group', 'Contributor', `/subscriptions/${subs.prod}/resourceGroups/rg-web-prod`, 600);

  // --- Third-party multi-tenant applications
  const contosoSp = gid('3a3a3a3a', 1);
  g.servicePrincipals.push({
    id: contosoSp,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: 'Contoso Backup Cloud',
    appId: gid('3c3c3c3c', 1),
    appOwnerOrganizationId: CONTOSO_TENANT,
    appRoles: [],
    displayName: 'Contoso Backup Cloud',
    servicePrincipalNames: [gid('3c3c3c3c', 1)],
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMultipleOrgs',
    passwordCredentials: [],
    keyCredentials: [],
    tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
    publisherName: 'Contoso Ltd',
    verifiedPublisher: { displayName: 'Contoso Ltd', verifiedPublisherId: '1234567', addedDateTime: ago(800) },
  });
  g.owners[contosoSp] = [];
  grantGraph(contosoSp, 'Contoso Backup Cloud', 'Directory.ReadWrite.All', 365);
  g.spSignIns.push(spActivity(gid('3c3c3c3c', 1), ago(0)));
  const fabrikamSp = gid('3a3a3a3a', 2);
  g.servicePrincipals.push({
    id: fabrikamSp,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: 'Fabrikam Status Monitor',
    appId: gid('3c3c3c3c', 2),
    appOwnerOrganizationId: FABRIKAM_TENANT,
    appRoles: [],
    displayName: 'Fabrikam Status Monitor',
    servicePrincipalNames: [gid('3c3c3c3c', 2)],
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMultipleOrgs',
    passwordCredentials: [],
    keyCredentials: [],
    tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
    publisherName: 'Fabrikam Inc',
    verifiedPublisher: { displayName: 'Fabrikam Inc', verifiedPublisherId: '7654321', addedDateTime: ago(600) },
  });
  g.owners[fabrikamSp] = ownerObjs(users('sre.lead'));
  grantGraph(fabrikamSp, 'Fabrikam Status Monitor', 'User.Read.All', 200);
  g.spSignIns.push(spActivity(gid('3c3c3c3c', 2), ago(1)));

  // --- Managed identities (ARM) and their service principals (Graph)
  for (const m of demoManagedIdentities()) {
    const subId = subs[m.sub];
    const principalId = gid('3131e1d0', m.n);
    const clientId = gid('c11e0000', m.n);
    const tags = { owner: `${m.team}-team@${DEMO.domain}`, env: m.sub };
    let resourceId: string;
    if (m.kind === 'user') {
      resourceId = `/subscriptions/${subId}/resourcegroups/${m.rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${m.name}`;
      a.userAssignedIdentities[subId].push({
        location: 'eastus',
        tags,
        properties: { tenantId, principalId, clientId, isolationScope: 'None' },
        id: resourceId,
        name: m.name,
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
        systemData: { createdBy: `dana.ops@${DEMO.domain}`, createdByType: 'User', createdAt: ago(m.createdDaysAgo), lastModifiedBy: `dana.ops@${DEMO.domain}`, lastModifiedByType: 'User', lastModifiedAt: ago(m.createdDaysAgo) },
      });
      a.uamiFederated[resourceId.toLowerCase()] = m.federated
        ? [
            {
              id: `${resourceId}/federatedIdentityCredentials/${m.federated.name}`,
              name: m.federated.name,
              type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
              properties: { issuer: m.federated.issuer, subject: m.federated.subject, audiences: ['api://AzureADTokenExchange'] },
            },
          ]
        : [];
      a.resources[subId].push({ id: resourceId, name: m.name, type: 'Microsoft.ManagedIdentity/userAssignedIdentities', location: 'eastus', tags, createdTime: ago(m.createdDaysAgo) });
    } else {
      resourceId = `/subscriptions/${subId}/resourceGroups/${m.rg}/providers/${m.kind.type}/${m.name}`;
      a.resources[subId].push({
        id: resourceId,
        name: m.name,
        type: m.kind.type,
        kind: m.kind.type === 'Microsoft.Web/sites' ? (m.name.startsWith('func') ? 'functionapp' : 'app') : undefined,
        location: 'eastus',
        tags,
        identity: { principalId, tenantId, type: 'SystemAssigned' },
        createdTime: ago(m.createdDaysAgo),
        changedTime: ago(Math.max(0, m.createdDaysAgo - 10)),
      });
    }
    g.servicePrincipals.push({
      id: principalId,
      accountEnabled: true,
      alternativeNames: [`isExplicit=${m.kind === 'user' ? 'True' : 'False'}`, resourceId],
      appDisplayName: null,
      appId: clientId,
      appOwnerOrganizationId: null,
      appRoles: [],
      displayName: m.name,
      servicePrincipalNames: [clientId, `https://identity.azure.net/${m.n}`],
      servicePrincipalType: 'ManagedIdentity',
      signInAudience: null,
      passwordCredentials: [],
      keyCredentials: [
        {
          customKeyIdentifier: `${(m.n * 104729).toString(16).toUpperCase().padStart(8, '0')}0A5E1B9A2F3D4C5E6F708192A3B4`,
          displayName: `CN=${clientId}`,
          endDateTime: ahead(80),
          key: null,
          keyId: gid('3131ce00', m.n),
          startDateTime: ago(10),
          type: 'AsymmetricX509Cert',
          usage: 'Verify',
        },
      ],
      tags: [],
    });
    g.spSignIns.push(spActivity(clientId, ago(m.lastSignIn)));
    assign(subId, principalId, 'ServicePrincipal', m.role, `/subscriptions/${subId}/resourceGroups/${m.rg}`, Math.min(m.createdDaysAgo, 90));
  }
  // A storage account without identity: not a non-human identity.
  a.resources[subs.prod].push({ id: `/subscriptions/${subs.prod}/resourceGroups/rg-web-prod/providers/Microsoft.Storage/storageAccounts/acmewebprod`, name: 'acmewebprod', type: 'Microsoft.Storage/storageAccounts', kind: 'StorageV2', location: 'eastus', tags: {}, createdTime: ago(400) });
  return e;
}

function spActivity(appId: string, when: string): Json {
  const act = { lastSignInDateTime: when, lastSignInRequestId: gid('e9e9e9e9', appId.length) };
  return {
    appId,
    applicationAuthenticationClientSignInActivity: act,
    applicationAuthenticationResourceSignInActivity: { lastSignInDateTime: null, lastSignInRequestId: null },
    delegatedClientSignInActivity: { lastSignInDateTime: null, lastSignInRequestId: null },
    delegatedResourceSignInActivity: { lastSignInDateTime: null, lastSignInRequestId: null },
    id: Buffer.from(appId).toString('base64'),
    lastSignInActivity: act,
  };
}

function credActivity(appId: string, appObjectId: string, spId: string, keyId: string, keyType: string, expiration: string, when: string): Json {
  return {
    appId,
    appObjectId,
    credentialOrigin: 'application',
    expirationDate: expiration,
    id: Buffer.from(`${keyId}|application`).toString('base64'),
    keyId,
    keyType,
    keyUsage: keyType === 'certificate' ? 'verify' : 'sign',
    resourceId: gid('5f000000', 1),
    servicePrincipalObjectId: spId,
    signInActivity: { lastSignInDateTime: when, lastSignInRequestId: gid('e9e9e9e9', 7) },
  };
}
