// The GitHub privilege table, cloud-key names and machine-user logins, case by case.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { permissionPrivilege, scopePrivilege } from '../../../scanners/github/privilege.js';
import { botSignal, cloudProviderOf, sshFingerprint } from '../../../scanners/github/normalize.js';
import { sshPublicKey, user } from '../../../scanners/github/demo/fixtures.js';

describe('github privilege table', () => {
  it('normalizes App and fine-grained permissions', () => {
    const cases: [string, string, boolean, string][] = [
      ['administration', 'write', false, 'admin'],
      ['administration', 'read', true, 'read'],
      ['organization_administration', 'write', false, 'admin'],
      ['members', 'write', false, 'admin'],
      ['members', 'read', false, 'read'],
      ['contents', 'write', true, 'admin'],
      ['contents', 'write', false, 'write'],
      ['contents', 'read', true, 'read'],
      ['repository_projects', 'admin', false, 'write'],
      ['secrets', 'write', true, 'write'],
      ['metadata', 'read', true, 'read'],
      ['issues', 'none', false, 'unknown'],
    ];
    for (const [name, level, all, want] of cases) {
      const v = permissionPrivilege(name, level, all);
      assert.equal(v.privilege, want, `${name}:${level} all=${all}`);
      assert.equal(v.adminReason !== null, want === 'admin', `${name}:${level} evidence`);
    }
  });

  it('normalizes classic OAuth scopes', () => {
    assert.equal(scopePrivilege('admin:org').privilege, 'admin');
    assert.match(scopePrivilege('admin:org').adminReason ?? '', /full control/);
    assert.equal(scopePrivilege('admin:enterprise').privilege, 'admin');
    assert.equal(scopePrivilege('repo').privilege, 'write');
    assert.equal(scopePrivilege('workflow').privilege, 'write');
    assert.equal(scopePrivilege('read:org').privilege, 'read');
    assert.equal(scopePrivilege('made:up').privilege, 'unknown');
  });

  it('recognizes static cloud keys by secret name, and nothing else', () => {
    const cases: [string, string | null][] = [
      ['AWS_ACCESS_KEY_ID', 'aws'],
      ['AWS_SECRET_ACCESS_KEY', 'aws'],
      ['PROD_AWS_SECRET_ACCESS_KEY', 'aws'],
      ['aws_secret_key', 'aws'],
      ['AWS_SESSION_TOKEN', 'aws'],
      ['AWS_ROLE_ARN', null],
      ['AWS_REGION', null],
      ['GOOGLE_APPLICATION_CREDENTIALS', 'gcp'],
      ['GCP_SA_KEY', 'gcp'],
      ['GCP_SERVICE_ACCOUNT_KEY', 'gcp'],
      ['GCP_WORKLOAD_IDENTITY_PROVIDER', null],
      ['AZURE_CLIENT_SECRET', 'azure'],
      ['AZURE_CREDENTIALS', 'azure'],
      ['ARM_CLIENT_SECRET', 'azure'],
      ['AZURE_CLIENT_ID', null],
      ['NPM_TOKEN', null],
    ];
    for (const [name, want] of cases) assert.equal(cloudProviderOf(name), want, name);
  });

  it('tells bot accounts by type or machine-user login, not people with "bot" inside their name', () => {
    assert.equal(botSignal(user('dependabot[bot]', 'Bot')), 'type');
    assert.equal(botSignal(user('acme-ci-bot')), 'login-pattern');
    assert.equal(botSignal(user('svc-deploy')), 'login-pattern');
    assert.equal(botSignal(user('release_bot')), 'login-pattern');
    assert.equal(botSignal(user('talbot')), null);
    assert.equal(botSignal(user('abbott-ci2')), null);
    assert.equal(botSignal(user('alice')), null);
  });

  it('fingerprints deploy keys the way GitHub shows them', () => {
    assert.match(sshFingerprint(sshPublicKey('x')) ?? '', /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(sshFingerprint('garbage'), null);
  });
});
