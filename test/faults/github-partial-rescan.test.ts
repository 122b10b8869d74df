// A rescan whose members listing fails cannot tell who left the organisation: what it judged
// from that list (an owner who left) keeps its last known value, so no finding is resolved by
// a scan that did not read what resolves it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startLocalServer, type LocalServer } from '../../src/demo/local-server.js';
import { githubScanner } from '../../scanners/github/index.js';
import { gitHubHandler } from '../../scanners/github/demo/fake-github.js';
import { demoRoutes, DEMO_GITHUB } from '../../scanners/github/demo/estate.js';
import type { GitHubOptions } from '../../scanners/github/options.js';
import { defaultConfig } from '../../src/config/config.js';
import { openInventory } from '../../src/inventory/db.js';
import { runScan } from '../../src/scan/scan-service.js';
import { tempDir } from '../helpers/temp.js';

const servers: LocalServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

test('a rescan that cannot list members keeps owners who left as they were: their findings stay open', { timeout: 60_000 }, async () => {
  const now = new Date();
  const handler = gitHubHandler(demoRoutes({ now, installationToken: 'ghs_local' }));
  let membersDenied = false;
  const server = await startLocalServer((req, res) => {
    if (membersDenied && req.path === `/orgs/${DEMO_GITHUB.org}/members`) {
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' }));
      return;
    }
    return handler(req, res);
  });
  servers.push(server);
  const options: GitHubOptions = { githubUrl: server.url, token: 'demo-local-owner-token', org: [DEMO_GITHUB.org], maxRetries: 0, retryBaseMs: 5 };
  const dbPath = join(tempDir(), 'nhi.db');
  const scan = () =>
    runScan({ dbPath, runs: [{ scanner: githubScanner, options }], config: defaultConfig(), env: {}, concurrency: 2, signal: new AbortController().signal, now });
  const open = () => {
    const inv = openInventory(dbPath, { readonly: true });
    try {
      return (inv.db.prepare('SELECT id FROM findings WHERE resolved_scan IS NULL ORDER BY id').pluck().all() as string[]);
    } finally {
      inv.close();
    }
  };
  const first = await scan();
  assert.equal(first.status, 'complete');
  const before = open();
  assert.ok(before.some((id) => id.startsWith('unowned:')), 'the demo has identities whose owner left');

  membersDenied = true;
  const second = await scan();
  assert.equal(second.status, 'partial');
  assert.deepEqual(open(), before, 'no finding is resolved by a scan that could not list who is still a member');
  const inv = openInventory(dbPath, { readonly: true });
  try {
    const changed = inv.db.prepare("SELECT count(*) FROM changes WHERE scan_id = ? AND entity = 'identity'").pluck().get(second.scanId) as number;
    assert.equal(changed, 0, 'identities read again unchanged are not reported as changed');
  } finally {
    inv.close();
  }
});
