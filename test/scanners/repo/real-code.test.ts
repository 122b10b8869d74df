// The misses and false positives found on real code, one assertion each: secret-bearing
// names in every style, alphabet-aware randomness, assignment syntaxes, known non-secret
// shapes, provider formats, HTTP credentials and keys built by string concatenation.
// Every secret-looking value is generated here at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect } from '../../../scanners/repo/engine/detect.js';
import { fake, freshPrivateKeyPem, pick, seeded } from '../../../scanners/repo/samples.js';

const r = seeded(7);
const ids = (text: string, path = 'src/app.ts') => detect(text, path).map((f) => f.detector);
const found = (text: string, path = 'src/app.ts') => detect(text, path).length > 0;

test('secret-bearing names in every casing and separator style reach the detector', () => {
  const v = fake.alnum(28, r);
  for (const name of ['privateKey', 'private-key', 'private_key', 'PRIVATEKEY', 'privatekey', 'authKey', 'auth-key', 'consumerKey', 'nkey', 'oauth_client_secret', 'twilio_sid', 'clientSecret', 'X_API_TOKEN']) {
    assert.ok(found(`${name}: "${v}"`, 'config/app.yaml'), name);
  }
  // names that only contain a stem are not secret names
  for (const name of ['monkey', 'keying', 'tokenizer', 'bypass', 'author', 'publicKey', 'keyId', 'tokenCount']) {
    assert.ok(!found(`${name}: "${v}"`, 'config/app.yaml'), name);
  }
});

test('randomness is judged for the alphabet and length: short hex, letters without digits', () => {
  assert.ok(found(`api_secret = "${fake.hex(16, r)}"`, 'settings.py'), '16 random hex characters');
  assert.ok(found(`secret-key: ${fake.letters(32, r)}`, 'application.yml'), '32 random letters, no digit');
  assert.ok(found(`token = "${fake.alnum(12, r)}1"`, 'settings.py'), 'a 13-character random alphanumeric');
  assert.ok(!found('secret_key = "mySecretPasswordForTheApp"', 'settings.py'), 'words');
  assert.ok(!found('api_key = "base64EncodedKey"', 'settings.py'), 'a placeholder made of words');
  assert.ok(!found('api_key = "012345abcdef012345abcdef"', 'settings.py'), 'a sequence placeholder');
});

test('assignment syntaxes: gofmt-aligned structs, JSON inside strings, arrays, unquoted values, XML, setProperty', () => {
  const v = fake.alnum(30, r);
  assert.ok(found(`var cfg = Config{\n\tName:          "svc",\n\tPassword:      "${v}",\n}`, 'main.go'), 'gofmt alignment');
  assert.ok(found(`{"config.ini": "DB_PASSWORD=${v}\\nDEBUG=true"}`, 'fixture.json'), 'JSON in a string');
  assert.ok(found(`{\\"client_secret\\": \\"${v}\\"}`, 'payload.txt'), 'escaped JSON');
  assert.ok(found(`api_keys: ["${v}", "other"]`, 'config.yaml'), 'arrays');
  assert.ok(found(`export SERVICE_TOKEN=${v}`, 'deploy.sh'), 'unquoted in shell');
  assert.ok(found(`<password>${v}</password>`, 'settings.xml'), 'XML element');
  assert.ok(found(`System.setProperty("AUTH_TOKEN", "${v}");`, 'Main.java'), 'setProperty');
  assert.ok(found(`API_TOKEN ?= "${v}"`, 'Makefile'), 'make conditional assignment');
  assert.ok(!found('const token = getTokenFromVault(config);', 'src/app.ts'), 'code');
  assert.ok(!found('password = userProvidedPassword', 'src/app.py'), 'an identifier');
});

test('known non-secret shapes are not reported', () => {
  const b64 = Buffer.from(pick('abcdef0123456789', 48, r)).toString('base64');
  assert.deepEqual(ids(`"integrity": "sha512-${b64}"`, 'package.json'), [], 'SRI');
  assert.deepEqual(ids(`requestToken: "${[8, 4, 4, 4, 12].map((n) => fake.hex(n, r)).join('-')}"`, 'config.yaml'), [], 'UUID as an id under a weak name');
  assert.deepEqual(ids(`tokenChecksum = "${fake.hex(64, r)}"`, 'build.py'), [], 'checksum named *token*');
  assert.deepEqual(ids(`password_hash: "$2b$12$${fake.alnum(53, r)}"`, 'users.yaml'), [], 'bcrypt');
  assert.deepEqual(ids(`password: "{SSHA}${b64}"`, 'ldap.yaml'), [], 'LDAP SSHA');
  assert.deepEqual(ids('nobody:*:-2:-2:Unprivileged User:/var/empty:/usr/bin/false\nsshd:x:74:74:Privilege-separated SSH:/var/empty/sshd:/sbin/nologin', 'etc/passwd'), [], '/etc/passwd');
  assert.deepEqual(ids('"passwordTooShort": "Votre mot de passe est trop court"', 'locales/fr.json'), [], 'translation');
  assert.deepEqual(ids('"password": "Mot de passe"', 'src/i18n.json'), [], 'translation outside a locale folder');
  assert.deepEqual(ids('api_key = "your-api-key-here"', 'README.md'), [], 'placeholder');
  assert.deepEqual(ids('token_version = "1.24.3-beta"', 'setup.py'), [], 'version');
  assert.deepEqual(ids(`id: secret:${fake.hex(64, r)}\n{"credential":"${fake.hex(40, r)}","credential_id":"secret:${fake.hex(64, r)}"}`, 'report.json'), [], 'ids and digests in reports');
});

test('AI provider keys and other provider formats', () => {
  const cases: [string, string][] = [
    [fake.openaiKey(r), 'openai-api-key'],
    [fake.anthropicKey(r), 'anthropic-api-key'],
    [fake.huggingfaceToken(r), 'huggingface-token'],
    [fake.replicateToken(r), 'replicate-api-token'],
    [fake.perplexityKey(r), 'perplexity-api-key'],
    [fake.slackAppToken(r), 'slack-app-token'],
    [fake.grafanaServiceAccountToken(r), 'grafana-service-account-token'],
    [fake.mailgunKey(r), 'mailgun-api-key'],
    [fake.swarmJoinToken(r), 'docker-swarm-join-token'],
    [fake.akamaiToken(r), 'akamai-edgegrid-token'],
    [fake.githubInstallationToken(r), 'github-installation-token'],
    [fake.dropboxToken(r), 'dropbox-token'],
  ];
  for (const [v, id] of cases) assert.deepEqual(ids(`value = ${v}`, 'notes.txt'), [id], id);
  // NKEY seeds where NATS puts them: a seed setting, a .creds file's SEED block
  assert.deepEqual(ids(`seed: ${fake.natsUserSeed(r)}`, 'nats.conf'), ['nats-nkey-seed']);
  assert.deepEqual(ids(`-----BEGIN USER NKEY SEED-----\n${fake.natsUserSeed(r)}\n------END USER NKEY SEED------`, 'user.creds').slice(0, 1), ['nats-nkey-seed']);
  const ai = detect(`OPENAI_API_KEY=${fake.openaiKey(r)}`, 'deploy.sh')[0];
  assert.equal(ai.attributes?.secretKind, 'ai_api_key');
  assert.deepEqual(ids(`COHERE_API_KEY="${fake.alnum(40, r)}"`, 'deploy.sh'), ['ai-provider-key']);
  // a NATS seed with a broken checksum, an all-x Hugging Face placeholder
  const seed = fake.natsUserSeed(r);
  assert.deepEqual(ids(`seed: ${seed.slice(0, -2)}${seed.endsWith('AA') ? 'BB' : 'AA'}`, 'nats.conf'), []);
  assert.deepEqual(ids('HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'deploy.sh'), []);
});

test('HTTP credentials: Authorization Basic/Bearer, curl -u, passwords in URLs of any scheme', () => {
  const pw = fake.alnum(18, r);
  const basic = Buffer.from(`deployer:${pw}`).toString('base64');
  assert.deepEqual(ids(`curl -H "Authorization: Basic ${basic}" https://api.acme.io/v1`, 'scripts/call.sh'), ['http-authorization']);
  assert.deepEqual(ids(`{"key": "Authorization", "value": "Bearer ${fake.alnum(40, r)}"}`, 'collection.postman.json'), ['http-authorization']);
  assert.deepEqual(ids(`curl -u admin:${pw} https://ci.acme.io/api/json`, 'docs/ops.md'), ['curl-user-password']);
  for (const scheme of ['https', 'amqp', 'redis', 'nats', 'ftp']) {
    assert.ok(found(`url: ${scheme}://svc:${pw}@broker.acme.io:4222`, 'config.yaml'), scheme);
  }
  assert.deepEqual(ids('curl -u user:password https://example.com', 'README.md'), []);
  assert.deepEqual(ids('Authorization: Bearer ${TOKEN}', 'api.http'), []);
  assert.deepEqual(ids(`Authorization: Basic ${Buffer.from('user').toString('base64')}xx`, 'api.http'), [], 'no user:password inside');
});

test('private keys built by string concatenation across lines, and JWK private keys', () => {
  const pem = freshPrivateKeyPem('rsa').trim().split('\n');
  const java = 'String KEY =\n' + pem.map((l) => `    "${l}\\n" +`).join('\n').replace(/ \+$/, ';') + '\n';
  const js = 'const KEY = [\n' + pem.map((l) => `  '${l}',`).join('\n') + "\n].join('\\n');\n";
  assert.deepEqual(ids(java, 'src/Keys.java'), ['private-key']);
  assert.deepEqual(ids(js, 'src/keys.js'), ['private-key']);
  const d = fake.alnum(43, r);
  assert.deepEqual(ids(`{"kty": "EC", "crv": "P-256", "x": "abc", "y": "def", "d": "${d}"}`, 'jwks.json'), ['jwk-private-key']);
  assert.deepEqual(ids(`{"kty": "EC", "crv": "P-256", "x": "${d}"}`, 'jwks.json'), [], 'a public JWK');
});
