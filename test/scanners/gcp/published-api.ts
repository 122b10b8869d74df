// The part of Google's published API descriptions the gcp scanner may use: the discovery
// documents of Cloud Resource Manager v3, IAM v1 and Policy Analyzer v1
// (https://{service}.googleapis.com/$discovery/rest?version=…, as published 2026-12), each
// method's HTTP method, path template and query parameters. `$alt` is the system parameter
// the client libraries' REST transport sends (json;enum-encoding=int).
import type { PublishedOperation } from '../published-operations.js';
export { publishedOperation } from '../published-operations.js';

const SYSTEM = ['$alt', 'alt', 'prettyPrint', 'fields'];
const op = (id: string, method: string, path: string, query: string[] = []): PublishedOperation => ({ id, method, path: new RegExp(`^${path}$`), query: [...query, ...SYSTEM] });
const SEG = '[^/:]+';

export const GCP_PUBLISHED: readonly PublishedOperation[] = [
  op('cloudresourcemanager.projects.search (v3)', 'GET', '/v3/projects:search', ['query', 'pageSize', 'pageToken']),
  op('cloudresourcemanager.projects.get (v3)', 'GET', `/v3/projects/${SEG}`),
  op('cloudresourcemanager.projects.getIamPolicy (v3)', 'POST', `/v3/projects/${SEG}:getIamPolicy`),
  op('cloudresourcemanager.folders.get (v3)', 'GET', `/v3/folders/${SEG}`),
  op('cloudresourcemanager.folders.getIamPolicy (v3)', 'POST', `/v3/folders/${SEG}:getIamPolicy`),
  op('cloudresourcemanager.organizations.get (v3)', 'GET', `/v3/organizations/${SEG}`),
  op('cloudresourcemanager.organizations.getIamPolicy (v3)', 'POST', `/v3/organizations/${SEG}:getIamPolicy`),
  op('iam.projects.serviceAccounts.list (v1)', 'GET', `/v1/projects/${SEG}/serviceAccounts`, ['pageSize', 'pageToken']),
  op('iam.projects.serviceAccounts.keys.list (v1)', 'GET', `/v1/projects/${SEG}/serviceAccounts/${SEG}/keys`, ['keyTypes']),
  op('iam.projects.serviceAccounts.getIamPolicy (v1)', 'POST', `/v1/projects/${SEG}/serviceAccounts/${SEG}:getIamPolicy`, ['options.requestedPolicyVersion']),
  op('policyanalyzer.projects.locations.activityTypes.activities.query (v1)', 'GET', `/v1/projects/${SEG}/locations/${SEG}/activityTypes/${SEG}/activities:query`, ['filter', 'pageSize', 'pageToken']),
];
