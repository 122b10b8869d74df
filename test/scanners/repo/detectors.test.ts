// Per detector: true positives, look-alikes that must not fire, placeholders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect } from '../../../scanners/repo/engine/detect.js';
import { DETECTORS } from '../../../scanners/repo/detectors/index.js';
import { base62, crc32, validBase62Checksum } from '../../../scanners/repo/detectors/util.js';
import { fake, fakeGcpKeyJson, fakePrivateKeyPem, freshPrivateKeyPem, seeded } from '../../../scanners/repo/samples.js';

const r = seeded(42);
const ids = (text: string, path = 'src/app.ts') => detect(text, path).map((f) => f.detector);
const one = (text: string, path = 'src/app.ts') => {
  const f = detect(text, path);
  assert.equal(f.length, 1, `expected one finding, got ${JSON.stringify(f.map((x) => x.detector))}`);
  return f[0];
};

test('every detector is a plain object with metadata and a global regex', () => {
  for (const d of DETECTORS) {
    assert.ok(d.id && d.title && d.provider && d.confidence, d.id);
    assert.ok(d.keywords.length > 0, d.id);
    assert.ok(d.regex.global, d.id);
  }
});

test('GitHub checksum: CRC32 of the random part, base62, 6 characters', () => {
  assert.equal(crc32('123456789'), 0xcbf43926); // the CRC-32 check value
  assert.equal(base62(61, 3), '00z');
  const t = fake.githubToken('ghp', r);
  assert.ok(validBase62Checksum(t.slice(4)));
  assert.ok(!validBase62Checksum(t.slice(4, -1) + (t.endsWith('A') ? 'B' : 'A')));
});

test('AWS: key id alone, pair (keyId on the secret), session token paired with ASIA', () => {
  const id = fake.awsKeyId('AKIA', r);
  const secret = fake.awsSecret(r);
  const f = detect(`[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`, 'home/.aws/credentials');
  assert.deepEqual(f.map((x) => x.detector), ['aws-access-key-id', 'aws-secret-access-key']);
  assert.equal(f[0].keyId, id);
  assert.equal(f[1].keyId, id, 'the secret key carries the key id of its pair');
  assert.equal(f[1].value, secret);
  assert.equal(f[1].line, 3);
  // credentials.csv from the console: id and secret on one line
  const csv = detect(`User name,Access key ID,Secret access key\nci,${id},${secret}\n`, 'credentials.csv');
  assert.deepEqual(csv.map((x) => [x.detector, x.keyId]), [['aws-access-key-id', id], ['aws-secret-access-key', id]]);
  const asia = fake.awsKeyId('ASIA', r);
  const sess = detect(`AWS_ACCESS_KEY_ID=${asia}\nAWS_SECRET_ACCESS_KEY=${fake.awsSecret(r)}\nAWS_SESSION_TOKEN=${fake.awsSessionToken(r)}\n`, 'env.sh');
  assert.deepEqual(sess.map((x) => [x.detector, x.keyId]), [['aws-access-key-id', asia], ['aws-secret-access-key', asia], ['aws-session-token', asia]]);
  // a 40-character secret under any secret-like name next to a key id is that key's secret…
  const generic = detect(`KEY = "${id}"\nSECRET = "${secret}"\n`, 'deploy.py');
  assert.deepEqual(generic.map((x) => [x.detector, x.keyId]), [['aws-access-key-id', id], ['aws-secret-access-key', id]]);
  // …but 40 lowercase hex characters (a commit SHA, a GCP key id) are not
  const hex = detect(`KEY = "${id}"\nsecret_hash = "${'0123456789abcdef'.repeat(3).slice(7, 47).replace(/0123456/, '9f3e2a1')}"\n`, 'deploy.py');
  assert.ok(!hex.some((x) => x.detector === 'aws-secret-access-key'));
  // far apart: not paired
  const far = detect(`key = "${id}"\n${'\n'.repeat(30)}aws_secret_access_key = "${secret}"\n`);
  assert.equal(far[1].keyId, undefined);
});

test('AWS look-alikes and placeholders do not fire', () => {
  assert.deepEqual(ids('AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), []);
  assert.deepEqual(ids('id = AKIA1234567890ABCDEF // digits 0,1,8,9 are not base32'), []);
  assert.deepEqual(ids('AKIAXXXXXXXXXXXXXXXX AKIAAAAAAAAAAAAAAAAA xAKIAQ3EFXZ2L7KPRW4TMx'), []);
  assert.deepEqual(ids('aws_secret_access_key = "${AWS_SECRET_ACCESS_KEY}"\naws_secret_access_key: <your-secret-key>'), []);
  assert.deepEqual(ids('aws_secret_access_key = "abcdefghijabcdefghijabcdefghijabcdefghij"'), [], 'low entropy');
});

test('GCP service-account key: structure checked, private_key_id and client_email captured', () => {
  const { json, keyId } = fakeGcpKeyJson({ projectId: 'acme-prod', email: 'deployer@acme-prod.iam.gserviceaccount.com', rand: r });
  const f = one(json, 'keys/acme-prod.json');
  assert.equal(f.detector, 'gcp-service-account-key');
  assert.equal(f.keyId, keyId);
  assert.equal(f.attributes?.clientEmail, 'deployer@acme-prod.iam.gserviceaccount.com');
  assert.equal(f.attributes?.projectId, 'acme-prod');
  // embedded in YAML as an escaped JSON string: still one finding
  const yaml = `credentials: "${JSON.stringify(JSON.parse(json)).replace(/"/g, '\\"')}"\n`;
  assert.equal(one(yaml, 'deploy/values.yaml').keyId, keyId);
  // the same key material as a bare PEM is the same secret value
  const pem = JSON.parse(json).private_key as string;
  assert.equal(one(pem, 'key.pem').value, f.value);
});

test('GCP look-alikes: metadata without a key, placeholder key, API key and OAuth secret', () => {
  const meta = JSON.stringify({ type: 'service_account', project_id: 'acme-prod', private_key_id: 'a'.repeat(40), client_email: 'x@acme-prod.iam.gserviceaccount.com' });
  assert.deepEqual(ids(meta), []);
  const placeholder = JSON.stringify({ type: 'service_account', private_key_id: '0123456789abcdef0123456789abcdef01234567', private_key: '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n', client_email: 'x@p.iam.gserviceaccount.com' }, null, 2);
  assert.deepEqual(ids(placeholder), []);
  assert.deepEqual(ids(`const key = "${fake.gcpApiKey(r)}";`), ['gcp-api-key']);
  assert.deepEqual(ids('const key = "AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";'), []);
  assert.deepEqual(ids(`client_secret: ${fake.gcpOauthSecret(r)}`), ['gcp-oauth-client-secret']);
});

test('Azure: client secret, connection string, account key, SAS token; emulator key is not a secret', () => {
  assert.deepEqual(ids(`AZURE_CLIENT_SECRET=${fake.azureClientSecret(r)}`), ['azure-client-secret']);
  const cs = one(`conn = "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${fake.azureStorageKey(r)};EndpointSuffix=core.windows.net"`);
  assert.equal(cs.detector, 'azure-connection-string');
  assert.equal(cs.attributes?.accountName, 'acmeprod');
  assert.equal(one(`Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${fake.azureStorageKey(r).slice(0, 43)}=`).detector, 'azure-connection-string');
  assert.deepEqual(ids(`storage_account_key = "${fake.azureStorageKey(r)}"`), ['azure-storage-account-key']);
  const sas = one(`url: https://acmeprod.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2031-01-01T00:00:00Z&spr=https&sig=${fake.azureSasSig(r)}`);
  assert.equal(sas.detector, 'azure-sas-token');
  assert.equal(sas.expiresAt, '2031-01-01T00:00:00.000Z');
  // the storage emulator's published key, a sha512 integrity hash, a sig= without sv=
  assert.deepEqual(ids('UseDevelopmentStorage=true;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='), []);
  assert.deepEqual(ids(`"integrity": "sha512-${fake.azureStorageKey(r)}"`), []);
  assert.deepEqual(ids(`https://example.org/x?sig=${fake.azureSasSig(r)}`), []);
  assert.deepEqual(ids('AZURE_CLIENT_SECRET=abc8Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'), []);
});

test('GitHub tokens of every prefix: valid checksum fires, wrong checksum does not', () => {
  for (const p of ['ghp', 'gho', 'ghu', 'ghs', 'ghr'] as const) {
    const t = fake.githubToken(p, r);
    const f = one(`token: ${t}`, 'ci.yml');
    assert.equal(f.detector, 'github-token', p);
    // The same key id the GitHub scanner gives the authorized token, so the leak ties to it.
    assert.equal(f.keyId, `github-token:…${t.slice(-8)}`);
    assert.deepEqual(ids(`token: ${t.slice(0, -6)}zzzzzz`, 'ci.yml'), [], `${p} with a bad checksum`);
  }
  assert.equal(one(`GH_TOKEN=${fake.githubFineGrained(r)}`, 'x.sh').detector, 'github-fine-grained-pat');
  assert.deepEqual(ids('GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'), []);
  // checksummed tokens are reported even in test fixtures
  assert.deepEqual(ids(`t = "${fake.githubToken('ghp', r)}"`, 'test/fixtures/tokens.ts'), ['github-token']);
});

test('GitLab, Slack, Stripe, npm and PyPI tokens', () => {
  assert.deepEqual(ids(`GITLAB_TOKEN=${fake.gitlabToken(r)}`, 'x.sh'), ['gitlab-token']);
  assert.deepEqual(ids('GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx', 'x.sh'), []);
  assert.deepEqual(ids(`slack_token: ${fake.slackBotToken(r)}`), ['slack-token']);
  assert.deepEqual(ids('slack_token: xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx'), []);
  assert.deepEqual(ids(`webhook = "${fake.slackWebhook(r)}"`), ['slack-webhook']);
  assert.deepEqual(ids(`stripe.api_key = "${fake.stripeLive(r)}"`), ['stripe-live-key']);
  assert.deepEqual(ids('stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"'), [], 'test-mode keys are not live');
  assert.deepEqual(ids(`//registry.npmjs.org/:_authToken=${fake.npmToken(r)}`, '.npmrc'), ['npm-token']);
  assert.deepEqual(ids(`//registry.npmjs.org/:_authToken=${fake.npmToken(r).slice(0, -6)}AAAAAA`, '.npmrc'), []);
  assert.deepEqual(ids('//registry.npmjs.org/:_authToken=${NPM_TOKEN}', '.npmrc'), []);
  assert.deepEqual(ids(`password = ${fake.pypiToken(r)}`, '.pypirc'), ['pypi-token']);
  assert.deepEqual(ids('password = pypi-AgEIcHlwaS5vcmcxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '.pypirc'), []);
});

test('private keys: PEM (real key material), OpenSSH, PuTTY; placeholders do not fire', () => {
  const pem = freshPrivateKeyPem('rsa');
  const f = one(pem, 'deploy/key.pem');
  assert.equal(f.detector, 'private-key');
  assert.equal(f.line, 1);
  assert.equal(one(`const KEY = "${freshPrivateKeyPem().replace(/\n/g, '\\n')}";`).detector, 'private-key');
  assert.equal(one(fakePrivateKeyPem('OPENSSH PRIVATE KEY', r), 'id_ed25519').attributes?.keyType, 'OPENSSH');
  const ppk = ['PuTTY-User-Key-File-3: ssh-rsa', 'Encryption: none', 'Comment: deploy', 'Public-Lines: 2', 'AAAAB3NzaC1yc2EAAAADAQABAAABAQ', 'AAAAB3NzaC1yc2EAAAADAQABAAABAQ', 'Private-Lines: 3',
    ...(fakePrivateKeyPem('X', r).split('\n').slice(1, 4)), 'Private-MAC: 0011'].join('\n');
  assert.equal(one(ppk, 'deploy.ppk').detector, 'putty-private-key');
  assert.deepEqual(ids('-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----'), []);
  assert.deepEqual(ids('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC<your key here>\n-----END PRIVATE KEY-----'), []);
  assert.deepEqual(ids('-----BEGIN PUBLIC KEY-----\n' + 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'.repeat(3) + '\n-----END PUBLIC KEY-----'), []);
});

test('JWT: structure checked, jwt.io sample and unsigned tokens rejected', () => {
  const t = fake.jwt(r);
  const f = one(`Authorization: Bearer ${t}`);
  assert.equal(f.detector, 'jwt');
  assert.ok(f.expiresAt);
  assert.deepEqual(ids('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'), []);
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"svc-1234"}').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAAAA`;
  assert.deepEqual(ids(none), []);
  assert.deepEqual(ids('eyJnotbase64json.eyJalsonotjson12.abcdefghijklmnopqrstuvwxyz'), []);
});

test('database URLs with passwords; template references and dummies are not secrets', () => {
  const f = one(`DATABASE_URL=postgres://app:${fake.password(r)}@db.prod.acme.internal:5432/app`, 'config.ts');
  assert.equal(f.detector, 'database-url');
  assert.equal(f.attributes?.host, 'db.prod.acme.internal');
  assert.deepEqual(ids(`mongodb+srv://svc:${fake.password(r)}@cluster0.abcde.mongodb.net/db`), ['database-url']);
  assert.deepEqual(ids('url: postgres://app:${DB_PASSWORD}@db/app'), []);
  assert.deepEqual(ids('url: postgres://postgres:postgres@localhost:5432/test'), []);
  assert.deepEqual(ids('url: mysql://user:password@host/db'), []);
  assert.deepEqual(ids('redis://:<password>@cache:6379'), []);
});

test('.env and kubeconfig credentials', () => {
  assert.deepEqual(ids(`STRIPE_WEBHOOK_SECRET=${fake.password(r)}x\nAPP_NAME=acme-web-production\n`, 'services/web/.env'), ['dotenv-secret']);
  assert.deepEqual(ids('SESSION_SECRET=${SESSION_SECRET}\nJWT_SECRET=changeme\n', '.env'), []);
  assert.deepEqual(ids(`SESSION_SECRET=${fake.password(r)}\n`, '.env.example'), ['generic-secret'], 'templates are left to the other detectors');
  const keyData = Buffer.from(fakePrivateKeyPem('RSA PRIVATE KEY', r)).toString('base64');
  const kubeconfig = ['apiVersion: v1', 'kind: Config', 'clusters: []', 'users:', '- name: ci', '  user:', `    client-key-data: ${keyData}`, `    token: ${fake.jwt(r).slice(0, 20)}${fake.password(r)}`, ''].join('\n');
  assert.deepEqual(ids(kubeconfig, 'kubeconfig'), ['kubeconfig-client-key', 'kubeconfig-credential']);
  assert.deepEqual(ids('apiVersion: v1\nkind: Config\nusers:\n- name: x\n  user:\n    token: <your-token-here>\n', 'kubeconfig'), []);
  assert.deepEqual(ids('steps:\n  - uses: actions/checkout@v4\n    with:\n      token: ghp_notachecksummedtokenxxxxxxxxxxxxxx\n', '.github/workflows/ci.yml'), []);
});

test('generic high-entropy values assigned to secret-like names; code and placeholders are not', () => {
  const v = fake.password(r) + 'Zq9';
  assert.deepEqual(ids(`const apiKey = "${v}";`), ['generic-secret']);
  assert.deepEqual(ids(`password: ${v}`, 'config/app.yaml'), ['generic-secret']);
  assert.deepEqual(ids(`secret_key = "${v}"`, 'main.tfvars'), ['generic-secret']);
  for (const s of [
    'const apiKey = process.env.API_KEY;',
    'password = os.environ["DB_PASSWORD"]',
    'token: ${{ secrets.GITHUB_TOKEN }}',
    'api_key = "<your-api-key>"',
    'password: "changeme123456"',
    'secretName: my-app-tls-secret-name',
    'const token = getToken(request.headers);',
    'api_key = "xxxxxxxxxxxxxxxxxxxxxxxx"',
    'password = "********************"',
    'tokenizer = "bert-base-uncased-v2"',
    'SECRET_KEY = "{{ vault_secret_key }}"',
  ]) assert.deepEqual(ids(s), [], s);
  // test fixtures are scanned by default, one level less confident; includeFixtures judges them like any file
  const rnd = fake.githubToken('ghp', r).slice(4, 34);
  const inFixture = detect(`const apiKey = "${rnd}";`, 'test/fixtures/config.ts');
  assert.deepEqual(inFixture.map((f) => [f.detector, f.confidence, f.attributes?.testPath]), [['generic-secret', 'low', true]]);
  assert.equal(detect(`const apiKey = "${rnd}";`, 'test/fixtures/config.ts', { includeFixtures: true })[0].confidence, 'medium');
});

test('overlaps: the specific detector wins over the generic one', () => {
  const t = fake.githubToken('ghp', r);
  assert.deepEqual(ids(`GITHUB_TOKEN = "${t}"`), ['github-token']);
  assert.deepEqual(ids(`db_password = "postgres://app:${fake.password(r)}@db.internal/app"`), ['database-url']);
});

test('an id like secret:<hash> is not a secret even when the hash starts with a string-prefix letter (b, r, u, f)', () => {
  for (const first of ['b', 'r', 'u', 'f', 'B']) {
    const id = `secret:${first}${'9f3ac27d04e1b86c'.repeat(4).slice(1)}`;
    assert.deepEqual(ids(`${id}\n`, 'findings.txt'), [], id);
    assert.deepEqual(ids(`{"credentialId":"${id}"}\n`, 'credentials.ndjson'), [], id);
  }
  // A real string prefix before a quote still counts: b"…" is Python bytes.
  assert.deepEqual(ids(`API_SECRET = b"${'q8Jf2LxV9mTr4WbZ'}1nKc7HsP"`, 'app.py'), ['generic-secret']);
});
