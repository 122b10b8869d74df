import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyRole, defaultAccountKind, isServiceAgent, parseMember, renderCondition } from '../../../scanners/gcp/privilege.js';
import { describeFailure, isRetryable, isServiceDisabled } from '../../../scanners/gcp/call.js';

test('gcp privilege table', () => {
  const p = (r: string) => classifyRole(r).privilege;
  for (const r of [
    'roles/owner',
    'roles/editor',
    'roles/iam.securityAdmin',
    'roles/resourcemanager.organizationAdmin',
    'roles/resourcemanager.projectIamAdmin',
    'roles/iam.serviceAccountTokenCreator',
    'roles/iam.serviceAccountUser',
    'roles/iam.serviceAccountKeyAdmin',
  ]) {
    assert.equal(p(r), 'admin', r);
  }
  for (const r of ['roles/viewer', 'roles/browser', 'roles/iam.securityReviewer', 'roles/storage.objectViewer', 'roles/bigquery.dataViewer', 'roles/secretmanager.viewer', 'roles/secretmanager.secretAccessor']) assert.equal(p(r), 'read', r);
  for (const r of ['roles/storage.objectAdmin', 'roles/run.admin', 'roles/bigquery.dataEditor', 'roles/pubsub.publisher', 'roles/run.invoker', 'roles/cloudsql.client', 'roles/artifactregistry.writer']) {
    assert.equal(p(r), 'write', r);
  }
  assert.equal(p('projects/p/roles/custom'), 'unknown');
  assert.equal(p('organizations/1/roles/custom'), 'unknown');
  assert.match(classifyRole('roles/editor').evidence, /actAs/);
});

test('gcp members: wildcard, outside domains, federation, service agents, default accounts', () => {
  const mine = new Set(['acme.example']);
  assert.deepEqual([parseMember('allUsers', mine).principalType, parseMember('allUsers', mine).risk], ['wildcard', 'wildcard']);
  assert.equal(parseMember('allAuthenticatedUsers', mine).risk, 'wildcard');
  assert.equal(parseMember('user:a@acme.example', mine).risk, null);
  assert.equal(parseMember('group:ops@eu.acme.example', mine).risk, null, 'subdomain of ours');
  assert.equal(parseMember('user:a@evil.example', mine).risk, 'external');
  assert.equal(parseMember('domain:partner.example', mine).risk, 'external');
  assert.equal(parseMember('user:someone@gmail.com', new Set()).risk, 'external', 'consumer accounts even with no domain known');
  assert.equal(parseMember('user:someone@corp.example', new Set()).risk, null, 'cannot tell without a domain');
  assert.equal(parseMember('principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/*', mine).risk, 'unpinned-subject');
  assert.equal(parseMember('principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/acme/app', mine).risk, null);
  assert.equal(parseMember('principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/subject/repo:acme/app:ref:refs/heads/main', mine).principalType, 'federated');
  assert.equal(parseMember('serviceAccount:p.svc.id.goog[ns/ksa]', mine).principalType, 'federated');
  assert.equal(parseMember('serviceAccount:service-1@gcp-sa-pubsub.iam.gserviceaccount.com', mine).principalType, 'service');
  assert.ok(isServiceAgent('service-123@compute-system.iam.gserviceaccount.com'));
  assert.ok(isServiceAgent('123@cloudservices.gserviceaccount.com'));
  assert.ok(!isServiceAgent('app@acme-prod.iam.gserviceaccount.com'));
  assert.equal(defaultAccountKind('123-compute@developer.gserviceaccount.com', 'x'), 'compute-engine');
  assert.equal(defaultAccountKind('acme-data@appspot.gserviceaccount.com', 'acme-data'), 'app-engine');
  assert.equal(defaultAccountKind('app@acme-data.iam.gserviceaccount.com', 'acme-data'), null);
  assert.equal(renderCondition({ title: 't', expression: 'a  ==\n b' }), 't: a == b');
  assert.equal(renderCondition(null), null);
});

test('gcp failures: Google error bodies are read for status, reason, permission and service', () => {
  const gaxios = Object.assign(new Error('Request failed'), {
    status: 403,
    response: {
      status: 403,
      headers: new Headers({ 'retry-after': '7' }),
      data: {
        error: {
          code: 403,
          status: 'PERMISSION_DENIED',
          message: 'Policy Analyzer API has not been used in project 12 before or it is disabled.',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', metadata: { service: 'policyanalyzer.googleapis.com' } }],
        },
      },
    },
  });
  const f = describeFailure(gaxios);
  assert.equal(f.httpStatus, 403);
  assert.equal(f.reason, 'SERVICE_DISABLED');
  assert.equal(f.service, 'policyanalyzer.googleapis.com');
  assert.equal(f.retryAfterMs, 7000);
  assert.ok(isServiceDisabled(f));
  assert.ok(!isRetryable(f));
  // The REST transport of the resource manager clients reports the raw body as the message.
  const rest = describeFailure(new Error(JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } })));
  assert.equal(rest.httpStatus, 429);
  assert.ok(isRetryable(rest));
  assert.equal(describeFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).network, true);
});
