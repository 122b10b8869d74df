// The part of Microsoft's published API descriptions the azure scanner may use.
// Graph: the v1.0 and beta CSDL metadata (https://graph.microsoft.com/v1.0/$metadata and
// /beta/$metadata, as documented on learn.microsoft.com/graph/api, 2026-12): entity properties
// and the navigation paths below. ARM: azure-rest-api-specs, the api-versions the official SDKs
// in package.json were generated from (authorization 2022-04-01, msi 2024-11-30, resources
// 2025-04-01, subscriptions 2022-12-01).
import type { PublishedOperation } from '../published-operations.js';
export { publishedOperation } from '../published-operations.js';

/** servicePrincipal properties declared by Graph v1.0 (publisherName is beta only). */
export const SERVICE_PRINCIPAL_V1 = [
  'id', 'deletedDateTime', 'accountEnabled', 'addIns', 'alternativeNames', 'appDescription', 'appDisplayName', 'appId',
  'applicationTemplateId', 'appOwnerOrganizationId', 'appRoleAssignmentRequired', 'appRoles', 'customSecurityAttributes',
  'description', 'disabledByMicrosoftStatus', 'displayName', 'homepage', 'info', 'keyCredentials', 'loginUrl', 'logoutUrl',
  'notes', 'notificationEmailAddresses', 'oauth2PermissionScopes', 'passwordCredentials', 'preferredSingleSignOnMode',
  'preferredTokenSigningKeyThumbprint', 'replyUrls', 'resourceSpecificApplicationPermissions', 'samlSingleSignOnSettings',
  'servicePrincipalNames', 'servicePrincipalType', 'signInAudience', 'tags', 'tokenEncryptionKeyId', 'verifiedPublisher',
] as const;

/** application properties declared by Graph v1.0. */
export const APPLICATION_V1 = [
  'id', 'deletedDateTime', 'addIns', 'api', 'appId', 'applicationTemplateId', 'appRoles', 'certification', 'createdDateTime',
  'defaultRedirectUri', 'description', 'disabledByMicrosoftStatus', 'displayName', 'groupMembershipClaims', 'identifierUris',
  'info', 'isDeviceOnlyAuthSupported', 'isFallbackPublicClient', 'keyCredentials', 'logo', 'nativeAuthenticationApisEnabled',
  'notes', 'oauth2RequirePostResponse', 'optionalClaims', 'parentalControlSettings', 'passwordCredentials', 'publicClient',
  'publisherDomain', 'requestSignatureVerification', 'requiredResourceAccess', 'samlMetadataUrl', 'serviceManagementReference',
  'servicePrincipalLockConfiguration', 'signInAudience', 'spa', 'tags', 'tokenEncryptionKeyId', 'uniqueName', 'verifiedPublisher', 'web',
] as const;

const ID = '[0-9a-fA-F-]{36}';
const ODATA = ['$select', '$top', '$filter', '$expand', '$count', '$orderby', '$skiptoken'];
const g = (id: string, path: string): PublishedOperation => ({ id, method: 'GET', path: new RegExp(`^${path}$`), query: ODATA });
const arm = (id: string, path: string, version: string, query: string[] = []): PublishedOperation => ({ id, method: 'GET', path: new RegExp(`^${path}$`, 'i'), fixed: { 'api-version': version }, query: [...query, '$skiptoken'] });

export const AZURE_PUBLISHED: readonly PublishedOperation[] = [
  g('organization.list (v1.0)', '/v1.0/organization'),
  g('directoryRole.list (v1.0)', '/v1.0/directoryRoles'),
  g('directoryRole.members (v1.0)', `/v1.0/directoryRoles/${ID}/members`),
  g('application.list (v1.0)', '/v1.0/applications'),
  g('application.owners (v1.0)', `/v1.0/applications/${ID}/owners`),
  g('application.federatedIdentityCredentials (v1.0)', `/v1.0/applications/${ID}/federatedIdentityCredentials`),
  g('application.federatedIdentityCredentials (beta)', `/beta/applications/${ID}/federatedIdentityCredentials`),
  g('servicePrincipal.list (v1.0)', '/v1.0/servicePrincipals'),
  g('servicePrincipal.get (v1.0)', `/v1.0/servicePrincipals/${ID}`),
  g('servicePrincipal.owners (v1.0)', `/v1.0/servicePrincipals/${ID}/owners`),
  g('servicePrincipal.appRoleAssignedTo (v1.0)', `/v1.0/servicePrincipals/${ID}/appRoleAssignedTo`),
  g('reports.servicePrincipalSignInActivities (beta)', '/beta/reports/servicePrincipalSignInActivities'),
  g('reports.appCredentialSignInActivities (beta)', '/beta/reports/appCredentialSignInActivities'),
  arm('Subscriptions_List', '/subscriptions', '2022-12-01'),
  arm('Subscriptions_Get', `/subscriptions/${ID}`, '2022-12-01'),
  arm('RoleAssignments_ListForSubscription', `/subscriptions/${ID}/providers/Microsoft\\.Authorization/roleAssignments`, '2022-04-01', ['$filter', 'tenantId']),
  arm('RoleDefinitions_Get', `(/subscriptions/${ID}(/resourceGroups/[^/]+)?)?/providers/Microsoft\\.Authorization/roleDefinitions/${ID}`, '2022-04-01'),
  arm('UserAssignedIdentities_ListBySubscription', `/subscriptions/${ID}/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities`, '2024-11-30'),
  arm('FederatedIdentityCredentials_List', `/subscriptions/${ID}/resourceGroups/[^/]+/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/[^/]+/federatedIdentityCredentials`, '2024-11-30', ['$top']),
  arm('Resources_List', `/subscriptions/${ID}/resources`, '2025-04-01', ['$filter', '$expand', '$top']),
];
