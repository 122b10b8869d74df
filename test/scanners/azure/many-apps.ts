// The demo tenant plus N registered applications, each with its service principal: the estate the
// list-read tests (owners, federated credentials) count requests over.
import { buildAzureEstate, gid, type AzureEstate } from '../../../scanners/azure/demo/estate.js';

/** Ids of application i: `appId`, its object id and its service principal's, from three id prefixes. */
export function withApplications(apps: number, prefixes: [string, string, string], name: string): { estate: AzureEstate; objectId: (i: number) => string } {
  const e = buildAzureEstate(new Date('2026-11-20T12:00:00Z'));
  const objectId = (i: number) => gid(prefixes[1], i);
  for (let i = 0; i < apps; i++) {
    const appId = gid(prefixes[0], i);
    e.graph.applications.push({ id: objectId(i), appId, displayName: `${name}-${i}`, createdDateTime: '2025-01-01T00:00:00Z', signInAudience: 'AzureADMyOrg', passwordCredentials: [], keyCredentials: [], tags: [] });
    e.graph.servicePrincipals.push({ id: gid(prefixes[2], i), appId, displayName: `${name}-${i}`, servicePrincipalType: 'Application', appOwnerOrganizationId: e.tenantId, accountEnabled: true, alternativeNames: [], appRoles: [], passwordCredentials: [], keyCredentials: [], tags: [] });
  }
  return { estate: e, objectId };
}
