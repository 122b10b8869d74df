// Every request the github scanner sends to the demo organisation (an App installation token
// and an owner's token, through Octokit) is an operation of GitHub's published REST description,
// with only the query parameters that operation declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { startLocalServer } from '../../../src/demo/local-server.js';
import { resolveScannerOptions } from '../../../src/scan/options.js';
import { collect } from '../../helpers/scanner-acceptance.js';
import { githubScanner } from '../../../scanners/github/index.js';
import { demoRoutes, DEMO_GITHUB } from '../../../scanners/github/demo/estate.js';
import { gitHubHandler } from '../../../scanners/github/demo/fake-github.js';
import type { GitHubOptions } from '../../../scanners/github/options.js';
import { githubPublished, publishedOperation } from './published-api.js';

test('github: every request is an operation of the published REST description', async (t) => {
  const now = new Date('2026-11-20T12:00:00Z');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const server = await startLocalServer(gitHubHandler(demoRoutes({ now, installationToken: ['ghs', 'requesttest'.repeat(3)].join('_') })));
  t.after(() => server.close());
  const options: GitHubOptions = {
    ...(resolveScannerOptions(githubScanner, { flags: {}, env: {}, section: undefined }) as GitHubOptions),
    org: [DEMO_GITHUB.org],
    githubUrl: server.url,
    token: 'request-test-owner-token',
    appId: '424242',
    appPrivateKey: privateKey,
    skipOidcSearch: false,
  };
  const res = await collect({ scanner: githubScanner, options, now });
  assert.deepEqual(res.errors, []);
  const { version, operations } = githubPublished();
  assert.ok(operations.length > 800, `read ${operations.length} operations of @octokit/openapi-types ${version}`);
  assert.ok(server.requests.length > 40);
  const unknown = server.requests.filter((r) => !publishedOperation(operations, r.method, r.path, r.query));
  assert.deepEqual(unknown.map((r) => `${r.method} ${r.path}?${r.query.toString()}`), []);
});
