// `nhi scan --demo`, GitHub part: the demo organisation served in GitHub's REST wire format on
// 127.0.0.1, scanned with both credentials a full scan uses: a GitHub App (fine-grained PAT
// listings answer only to Apps) and an owner's token (SAML credential authorizations).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { startLocalServer } from '../../../src/demo/local-server.js';
import type { DemoEndpoint, DemoInput } from '../../../src/scanners/contract.js';
import type { GitHubOptions } from '../options.js';
import { demoRoutes, DEMO_GITHUB } from './estate.js';
import { gitHubHandler } from './fake-github.js';
import { auditRoutes } from './audit-log.js';

export async function startGitHubDemo(input: DemoInput): Promise<DemoEndpoint<GitHubOptions>> {
  // A throwaway App key, made per demo run: the local endpoint does not check signatures.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const server = await startLocalServer(gitHubHandler({ ...demoRoutes({ now: input.now, installationToken: `ghs_demo${randomBytes(12).toString('hex')}` }), ...auditRoutes(input.now) }));
  return {
    options: {
      org: [DEMO_GITHUB.org],
      githubUrl: server.url,
      token: 'demo-local-owner-token',
      appId: '424242',
      appPrivateKey: privateKey,
      maxRetries: 2,
      retryBaseMs: 20,
      ownersFromLogs: true,
    },
    stop: () => server.close(),
  };
}
