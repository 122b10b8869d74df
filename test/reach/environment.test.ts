// Production or not: configuration first, then tags, then names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyEnvironment, identityEnvironment, type EnvironmentConfig } from '../../src/reach/index.js';

const cases: [string, Record<string, string>, EnvironmentConfig, string][] = [
  ['gcp:acme-prod', {}, {}, 'prod'],
  ['projects/acme-production', {}, {}, 'prod'],
  ['/subscriptions/s/resourceGroups/rg-data-prd', {}, {}, 'prod'],
  ['gcp:acme-dev', {}, {}, 'non-prod'],
  ['aws:sandbox', {}, {}, 'non-prod'],
  ['rg-web-staging', {}, {}, 'non-prod'],
  ['integration-test', {}, {}, 'non-prod'],
  ['acme-nonprod', {}, {}, 'non-prod'],
  ['acme-non-prod', {}, {}, 'non-prod'],
  ['acme-preprod', {}, {}, 'non-prod'],
  ['prod-sandbox', {}, {}, 'non-prod'],
  ['gcp:acme-ci', {}, {}, 'unknown'],
  ['productivity-tools', {}, {}, 'unknown'],
  ['aws:222222222222', {}, {}, 'unknown'],
  // Tags and labels name the environment when the scope does not.
  ['aws:222222222222', { Environment: 'Production' }, {}, 'prod'],
  ['ci-runner', { env: 'dev' }, {}, 'non-prod'],
  ['ci-runner', { team: 'prod-support' }, {}, 'unknown'],
  // Configuration wins over names.
  ['aws:222222222222', {}, { scopes: { 'aws:222222222222': 'prod' } }, 'prod'],
  ['gcp:acme-prod', {}, { scopes: { 'gcp:acme-prod': 'non-prod' } }, 'non-prod'],
  ['aws:444444444444', {}, { patterns: [{ pattern: 'aws:4444*', environment: 'non-prod' }] }, 'non-prod'],
  ['anything', { costcenter: 'live-ops' }, { patterns: [{ pattern: 'live-*', environment: 'prod' }] }, 'prod'],
  ['svc', { lifecycle: 'prd' }, { tagKeys: ['lifecycle'] }, 'prod'],
  ['acme-prod', {}, { noDefaults: true }, 'unknown'],
];

for (const [scope, tags, config, want] of cases) {
  test(`environment: ${scope} ${JSON.stringify(tags)} ${JSON.stringify(config)} → ${want}`, () => {
    assert.equal(classifyEnvironment(scope, tags, config), want);
  });
}

test('environment: an identity is judged by its scope and tags first, then by its name', () => {
  assert.equal(identityEnvironment({ scope: 'aws:444444444444', name: 'sandbox-provisioner' }), 'non-prod');
  assert.equal(identityEnvironment({ scope: 'gcp:acme-prod', name: 'test-runner' }), 'prod');
  assert.equal(identityEnvironment({ scope: 'aws:1', name: 'x', tags: { env: 'staging' } }), 'non-prod');
  assert.equal(identityEnvironment({ scope: 'aws:1', name: 'x' }, { scopes: { 'aws:1': 'prod' } }), 'prod');
  assert.equal(identityEnvironment({ scope: 'aws:1', name: 'x' }), 'unknown');
});
