// The Azure privilege and trust tables: which roles, application permissions and directory
// roles are admin-equivalent, and which federated credentials are loose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionMatches, classifyAppRole, classifyArmRole, classifyDirectoryRole, federatedRisk, MICROSOFT_GRAPH_APP_ID } from '../../../scanners/azure/privilege.js';
import { explainAzureError } from '../../../scanners/azure/errors.js';
import { AzureHttpError } from '../../../scanners/azure/clients.js';
import { credentialStatus, iso, appCredentials, spFlags } from '../../../scanners/azure/normalize.js';

test('ARM roles: Owner, Contributor, User Access Administrator and escalating custom roles are admin', () => {
  const owner = classifyArmRole('Owner', [{ actions: ['*'] }], true);
  assert.equal(owner.privilege, 'admin');
  const contributor = classifyArmRole('Contributor', [{ actions: ['*'], notActions: ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete'] }], true);
  assert.equal(contributor.privilege, 'admin');
  assert.match(contributor.evidence, /Contributor/);
  assert.equal(classifyArmRole('User Access Administrator', undefined, true).privilege, 'admin', 'known built-in even when the definition is unreadable');
  // Custom roles are judged by their actions, never by their name.
  assert.equal(classifyArmRole('Owner', [{ actions: ['*/read'] }], false).privilege, 'read');
  assert.equal(classifyArmRole('Everything', [{ actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] }], false).privilege, 'admin');
  const authzWrite = classifyArmRole('RBAC writer', [{ actions: ['Microsoft.Authorization/*/write'] }], false);
  assert.equal(authzWrite.privilege, 'admin');
  assert.match(authzWrite.evidence, /roleAssignments\/write/);
  assert.equal(classifyArmRole('Assigner', [{ actions: ['Microsoft.Authorization/roleAssignments/write'] }], false).privilege, 'admin');
  assert.equal(
    classifyArmRole('Almost', [{ actions: ['Microsoft.Authorization/*'], notActions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleDefinitions/write'] }], false).privilege,
    'write',
    'notActions can take the escalation away',
  );
  assert.equal(classifyArmRole('Web operator', [{ actions: ['Microsoft.Web/sites/*', 'Microsoft.Web/sites/read'] }], false).privilege, 'write');
  assert.equal(classifyArmRole('Reader', [{ actions: ['*/read'] }], true).privilege, 'read');
  assert.equal(classifyArmRole('Blob reader', [{ actions: [], dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'] }], false).privilege, 'read');
  assert.equal(classifyArmRole(undefined, undefined, false).privilege, 'unknown');
  assert.ok(actionMatches('*/read', 'Microsoft.Compute/virtualMachines/read'));
  assert.ok(!actionMatches('*/read', 'Microsoft.Authorization/roleAssignments/write'));
  assert.ok(actionMatches('microsoft.authorization/*', 'Microsoft.Authorization/roleAssignments/write'), 'case-insensitive');
});

test('Graph application permissions: the God-mode four are admin', () => {
  for (const p of ['RoleManagement.ReadWrite.Directory', 'AppRoleAssignment.ReadWrite.All', 'Application.ReadWrite.All', 'Directory.ReadWrite.All']) {
    const c = classifyAppRole(p, MICROSOFT_GRAPH_APP_ID);
    assert.equal(c.privilege, 'admin', p);
    assert.match(c.evidence, new RegExp(p.replace(/\./g, '\\.')));
  }
  assert.equal(classifyAppRole('Directory.ReadWrite.All', 'ffffffff-0000-0000-0000-000000000000').privilege, 'write', 'same value on another API is not Graph');
  assert.equal(classifyAppRole('Mail.Send', MICROSOFT_GRAPH_APP_ID).privilege, 'write');
  assert.equal(classifyAppRole('User.Read.All', MICROSOFT_GRAPH_APP_ID).privilege, 'read');
  assert.equal(classifyAppRole(undefined, MICROSOFT_GRAPH_APP_ID).privilege, 'unknown');
});

test('directory roles', () => {
  assert.equal(classifyDirectoryRole('62e90394-69f5-4237-9190-012177145e10', 'Global Administrator').privilege, 'admin');
  assert.equal(classifyDirectoryRole('e8611ab8-c189-46e8-94e1-60213ab1f814', 'Privileged Role Administrator').privilege, 'admin');
  assert.equal(classifyDirectoryRole('9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Application Administrator').privilege, 'admin');
  assert.equal(classifyDirectoryRole('158c047a-c907-4556-b7ef-446551a6b5f7', 'Cloud Application Administrator').privilege, 'admin');
  assert.equal(classifyDirectoryRole('88d8e3e3-8f55-4a1e-953a-9b9898b8876b', 'Directory Readers').privilege, 'read');
  assert.equal(classifyDirectoryRole('00000000-1111-2222-3333-444444444444', 'Teams Administrator').privilege, 'write');
  assert.equal(classifyDirectoryRole(undefined, 'Some Reader').privilege, 'read');
});

test('federated credentials: wildcards, pull requests and repository-less subjects are unpinned', () => {
  const gh = 'https://token.actions.githubusercontent.com';
  assert.equal(federatedRisk(gh, null, "claims['sub'] matches 'repo:acme/app:ref:refs/heads/*'").risk, 'unpinned-subject');
  assert.equal(federatedRisk(gh, null, "claims['sub'] matches 'repo:acme/app:environment:prod'").risk, null);
  assert.equal(federatedRisk(gh, 'repo:acme/app:pull_request', null).risk, 'unpinned-subject');
  assert.equal(federatedRisk(gh, 'repo:acme/app:ref:refs/heads/main', null).risk, null);
  assert.equal(federatedRisk(gh, 'repo:acme/app:environment:production', null).risk, null);
  assert.equal(federatedRisk(gh, 'acme', null).risk, 'unpinned-subject');
  assert.equal(federatedRisk('https://eastus.oic.prod-aks.azure.com/t/c/', 'system:serviceaccount:ns:sa', null).risk, null);
  assert.equal(federatedRisk('https://issuer.example', '', null).risk, 'unpinned-subject');
  const home = '11111111-0000-4000-8000-000000000000';
  const other = federatedRisk('https://login.microsoftonline.com/22222222-0000-4000-8000-000000000000/v2.0', 'a7d388c3-5e3f-4959-ac7d-786b3383006a', null, home);
  assert.equal(other.risk, 'external');
  assert.equal(other.principalType, 'external-account');
  assert.equal(federatedRisk(`https://login.microsoftonline.com/${home}/v2.0`, 'a7d388c3-5e3f-4959-ac7d-786b3383006a', null, home).risk, null, 'same tenant');
});

test('credentials: status, never-expiring secrets, Graph offsets, third-party flags', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  assert.equal(credentialStatus('2026-01-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', now), 'expired');
  assert.equal(credentialStatus('2026-07-01T00:00:00.000Z', null, now), 'inactive');
  assert.equal(iso('2021-03-01T00:00:00-8:00'), '2021-03-01T08:00:00.000Z', "Graph's published examples write offsets without a leading zero");
  const recs = appCredentials(
    { identityId: 'x', scope: 'azure:t', origin: 'application' },
    [
      { keyId: 'AAAAAAAA-0000-4000-8000-000000000001', displayName: 'forever', startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2299-12-31T00:00:00Z' },
      { keyId: 'AAAAAAAA-0000-4000-8000-000000000002', displayName: 'no end', startDateTime: '2025-01-01T00:00:00Z', endDateTime: null },
      { keyId: 'AAAAAAAA-0000-4000-8000-000000000003', displayName: 'year', startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2027-01-01T00:00:00Z' },
    ],
    [],
    null,
    now,
  );
  assert.deepEqual(recs.map((r) => r.attributes?.neverExpires ?? false), [true, true, false]);
  assert.deepEqual(recs.map((r) => r.keyId), ['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000003']);
  assert.ok(recs.every((r) => r.lastUsedSource === null), 'no report, no last-use source');
  const tenant = '11111111-0000-4000-8000-000000000000';
  assert.deepEqual(spFlags({ id: 'a', appOwnerOrganizationId: '22222222-0000-4000-8000-000000000000', servicePrincipalType: 'Application' }, tenant), { thirdParty: true, providerManaged: false });
  assert.deepEqual(spFlags({ id: 'b', appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a', servicePrincipalType: 'Application' }, tenant), { thirdParty: false, providerManaged: true });
  assert.deepEqual(spFlags({ id: 'c', appOwnerOrganizationId: tenant, servicePrincipalType: 'Application' }, tenant), { thirdParty: false, providerManaged: false });
});

test('thrown errors get a code and a fix', () => {
  const e403 = explainAzureError(new AzureHttpError(403, 'AuthorizationFailed', 'nope', 'GET /subscriptions'));
  assert.equal(e403.code, '403 AuthorizationFailed');
  assert.match(e403.fix ?? '', /Reader/);
  const cred = explainAzureError(Object.assign(new Error('no credential'), { name: 'CredentialUnavailableError' }));
  assert.equal(cred.code, 'no-credentials');
  assert.match(cred.fix ?? '', /az login/);
});
