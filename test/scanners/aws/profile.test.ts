// The SDK's own chain: a named profile (--profile) from shared config/credentials files gives the
// credentials, the region and the endpoint (`endpoint_url`), with nothing passed explicitly.
// This file runs in its own process (node --test), so pointing the SDK at temporary files is safe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsScanner } from '../../../scanners/aws/index.js';
import { startFakeAws } from '../../../scanners/aws/demo/fake-aws.js';
import { collect } from '../../helpers/scanner-acceptance.js';

const now = new Date('2026-11-23T12:00:00Z');
const KEY_ID = 'AKIAPROFILEEXAMPLE01';
const SECRET = 'profileSecretExampleKey/0123456789abcdefgh';

test('AWS_PROFILE / --profile: credentials, region and endpoint_url from the shared files', async () => {
  const fake = await startFakeAws({
    now,
    callerAccount: '210000000001',
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET,
    accounts: [{ id: '210000000001', name: 'p', users: [{ name: 'bot', created: '2026-01-01T00:00:00Z', tags: { owner: 'x' } }] }],
  });
  const dir = mkdtempSync(join(tmpdir(), 'nhi-aws-profile-'));
  const saved = { ...process.env };
  try {
    writeFileSync(join(dir, 'config'), `[profile scanner]\nregion = eu-central-1\nendpoint_url = ${fake.url}\n\n[profile other]\nregion = ap-southeast-2\n`);
    writeFileSync(join(dir, 'credentials'), `[scanner]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n\n[other]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    // The SDK reads a profile's endpoint_url only for the profile AWS_PROFILE selects.
    process.env.AWS_PROFILE = 'scanner';
    const env = { ...process.env };
    assert.equal(awsScanner.isConfigured({}, env, false), true, 'shared files count as configured');
    const res = await collect({ scanner: awsScanner, options: { profile: 'scanner', retryBaseDelayMs: 2, reportPollMs: 10 }, env, now });
    assert.deepEqual(res.errors, []);
    assert.deepEqual(res.completedTargets, ['aws:210000000001']);
    assert.equal(res.records.filter((r) => r.type === 'identity').length, 1);
    const auth = String(fake.server.requests[0]?.headers.authorization ?? '');
    assert.match(auth, new RegExp(`Credential=${KEY_ID}/\\d{8}/eu-central-1/sts/aws4_request`), 'signed with the profile credentials in the profile region');

    // --profile names another profile: its credentials and region, the endpoint given explicitly.
    const before = fake.server.requests.length;
    const other = await collect({ scanner: awsScanner, options: { profile: 'other', endpointUrl: fake.url, retryBaseDelayMs: 2, reportPollMs: 10 }, env, now });
    assert.deepEqual(other.errors, []);
    assert.match(String(fake.server.requests[before]?.headers.authorization ?? ''), /\/ap-southeast-2\/sts\/aws4_request/);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    rmSync(dir, { recursive: true, force: true });
    await fake.close();
  }
});
