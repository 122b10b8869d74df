// A labelled corpus shaped like real repositories rather than like the benchmark tree:
// application code in several languages, config, CI workflows, HTTP fixtures and Postman
// collections, docs, Dockerfiles, Go structs, test fixtures, translations, lock files.
// Secrets sit in the syntaxes real code uses (quoted and unquoted, aligned, inside JSON
// strings, arrays, headers, URLs, concatenated PEM); negatives are what real code puts
// next to them (hashes, UUIDs, SRI, versions, placeholders, password hashes, references).
// Every value is generated at run time from a seed: nothing secret is committed.
// Labels are lines: a positive line holds one secret; a finding elsewhere is a false positive.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fake, freshPrivateKeyPem, pick, seeded, type Rand } from '../../scanners/repo/samples.js';

export interface CorpusLabel {
  file: string;
  line: number;
  kind: string;
}

export interface Corpus {
  root: string;
  positives: CorpusLabel[];
  /** Lines holding a planted look-alike (a finding there is a false positive). */
  negatives: CorpusLabel[];
  files: number;
  bytes: number;
}

type Gen = (r: Rand) => string;
const hex = (n: number): Gen => (r) => fake.hex(n, r);
const alnum = (n: number): Gen => (r) => fake.alnum(n, r);
const b64 = (n: number): Gen => (r) => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', n, r);
const WORDS = ['billing', 'orders', 'search', 'payments', 'reports', 'gateway', 'ingest', 'mailer'];
const word = (r: Rand) => WORDS[r(WORDS.length)];
const uuid = (r: Rand) => [8, 4, 4, 4, 12].map((n) => fake.hex(n, r)).join('-');
const human = (r: Rand) => `${['Summer', 'Winter', 'Falcon', 'Rocket', 'Orange'][r(5)]}${fake.alnum(4, r)}${['!', '#', '@', '$'][r(4)]}${r(90) + 10}`;

/** Secret values by kind, as their issuers make them. */
const SECRETS: Record<string, Gen> = {
  'aws-key-id': (r) => fake.awsKeyId('AKIA', r),
  'aws-secret': (r) => fake.awsSecret(r),
  'github-token': (r) => fake.githubToken('ghp', r),
  'gitlab-token': (r) => fake.gitlabToken(r),
  'slack-bot': (r) => fake.slackBotToken(r),
  'slack-app': (r) => fake.slackAppToken(r),
  'stripe-live': (r) => fake.stripeLive(r),
  'openai': (r) => fake.openaiKey(r),
  'anthropic': (r) => fake.anthropicKey(r),
  'huggingface': (r) => fake.huggingfaceToken(r),
  'grafana-sa': (r) => fake.grafanaServiceAccountToken(r),
  'mailgun': (r) => fake.mailgunKey(r),
  'nats-seed': (r) => fake.natsUserSeed(r),
  'hex-16': hex(16),
  'hex-32': hex(32),
  'hex-40': hex(40),
  'alnum-20': alnum(20),
  'alnum-32': alnum(32),
  'letters-32': (r) => fake.letters(32, r),
  'base64-44': (r) => b64(42)(r) + '==',
  'human-password': human,
  'jwt': (r) => fake.jwt(r),
  'gcp-api-key': (r) => fake.gcpApiKey(r),
  'azure-client-secret': (r) => fake.azureClientSecret(r),
};

interface Template {
  file: (r: Rand) => string;
  /** Lines of the file; `$S` is the secret (one per template), `$W` a service word. */
  lines: string[];
  secret: string;
  kind: string;
}

const P = (file: string | ((r: Rand) => string), secret: string, kind: string, ...lines: string[]): Template => ({ file: typeof file === 'string' ? () => file : file, lines, secret, kind });

const POSITIVES: Template[] = [
  P('src/config/settings.py', 'alnum-32', 'python', 'import os', '', 'DEBUG = False', 'SECRET_KEY = "$S"', 'ALLOWED_HOSTS = ["*"]'),
  P('src/config/settings.py', 'human-password', 'python-db', 'DATABASES = {', "    'default': {", "        'ENGINE': 'django.db.backends.postgresql',", "        'PASSWORD': '$S',", '    }', '}'),
  P('internal/client/config.go', 'hex-32', 'go-struct', 'var defaultConfig = Config{', '\tEndpoint:      "https://api.$W.acme.io",', '\tAPIKey:        "$S",', '\tTimeout:       30,', '}'),
  P('internal/auth/keys.go', 'alnum-20', 'go-const', 'package auth', '', 'const clientSecret = "$S"'),
  P('src/main/resources/application.yml', 'letters-32', 'spring-yaml', 'spring:', '  application:', '    name: $W', 'jwt:', '  secret-key: $S'),
  P('src/main/resources/application.properties', 'alnum-32', 'properties', 'server.port=8080', 'app.oauth.client-secret=$S'),
  P('src/main/java/com/acme/Client.java', 'hex-40', 'java', 'public class Client {', '    private static final String AUTH_TOKEN = "$S";', '}'),
  P('src/services/payments.ts', 'stripe-live', 'ts-provider', "import Stripe from 'stripe';", "const stripe = new Stripe('$S');"),
  P('src/lib/ai.ts', 'openai', 'ts-ai', "import OpenAI from 'openai';", 'const client = new OpenAI({ apiKey: "$S" });'),
  P('app/llm.py', 'anthropic', 'py-ai', 'import anthropic', 'client = anthropic.Anthropic(api_key="$S")'),
  P('notebooks/train.py', 'huggingface', 'py-hf', 'from huggingface_hub import login', 'login(token="$S")'),
  P('.github/workflows/deploy.yml', 'aws-key-id', 'ci-env', 'jobs:', '  deploy:', '    runs-on: ubuntu-latest', '    env:', '      AWS_ACCESS_KEY_ID: $S', '      AWS_REGION: eu-west-1'),
  P('.github/workflows/deploy.yml', 'aws-secret', 'ci-env-secret', 'jobs:', '  deploy:', '    env:', '      AWS_SECRET_ACCESS_KEY: $S'),
  P('.gitlab-ci.yml', 'gitlab-token', 'gitlab-ci', 'variables:', '  GITLAB_TOKEN: "$S"', 'stages: [build]'),
  P('deploy/docker-compose.yml', 'human-password', 'compose', 'services:', '  db:', '    image: postgres:16', '    environment:', '      POSTGRES_PASSWORD: $S'),
  P('Dockerfile', 'alnum-32', 'dockerfile', 'FROM node:20-slim', 'ENV NPM_AUTH_TOKEN=$S', 'RUN npm ci'),
  P('scripts/call-api.sh', 'alnum-32', 'curl-bearer', '#!/bin/sh', 'curl -s -H "Authorization: Bearer $S" https://api.$W.acme.io/v2/status'),
  P('scripts/jenkins.sh', 'human-password', 'curl-user', '#!/bin/sh', 'curl -u deploy:$S https://ci.acme.io/job/build/api/json'),
  P('docs/api.md', 'base64-44', 'http-basic', '## Calling the API', '', '```http', 'GET /v1/orders HTTP/1.1', 'Authorization: Basic BASIC', '```'),
  P('tests/fixtures/api.postman_collection.json', 'alnum-32', 'postman', '{"item": [{"request": {"header": [', '  {"key": "Authorization", "value": "Bearer $S", "type": "text"}', ']}}]}'),
  P('config/queue.yaml', 'alnum-20', 'amqp-url', 'broker:', '  url: amqp://app:$S@mq.$W.acme.io:5672/vhost'),
  P('config/cache.env', 'alnum-20', 'redis-url', 'REDIS_URL=redis://default:$S@cache.$W.acme.io:6379/0'),
  P('config/nats.conf', 'nats-seed', 'nats', '# user credentials for the ingest worker', 'seed: $S'),
  P('src/notify/slack.ts', 'slack-bot', 'slack', "const SLACK_TOKEN = process.env.SLACK_TOKEN ?? '$S';"),
  P('src/notify/socket.ts', 'slack-app', 'slack-app', "const appToken = '$S';"),
  P('ops/grafana/provisioning.yaml', 'grafana-sa', 'grafana', 'apiVersion: 1', 'datasources:', '  - name: prom', '    secureJsonData:', '      token: $S'),
  P('src/mail/send.rb', 'mailgun', 'mailgun', "require 'mailgun-ruby'", "mg = Mailgun::Client.new '$S'"),
  P('config/secrets.json', 'alnum-32', 'json-in-string', '{"files": {"app.ini": "[auth]\\napi_token=$S\\nlevel=info"}}'),
  P('config/keys.yaml', 'hex-32', 'yaml-array', 'api_keys: ["$S"]'),
  P('terraform/prod.tfvars', 'base64-44', 'tfvars', 'region = "eu-west-1"', 'storage_account_key = "$S"'),
  P('src/auth/keys.js', 'jwt', 'jwt', "export const serviceJwt = '$S';"),
  P('web/src/firebase.ts', 'gcp-api-key', 'gcp', 'export const firebaseConfig = {', "  apiKey: '$S',", "  projectId: 'acme-$W',", '};'),
  P('deploy/azure.env', 'azure-client-secret', 'azure', 'AZURE_TENANT_ID=$U', 'AZURE_CLIENT_SECRET=$S'),
  P('src/utils/legacy.php', 'hex-16', 'php', '<?php', "$config['api_secret'] = '$S';"),
  P('src/Startup.cs', 'alnum-20', 'csharp', 'var options = new ClientOptions {', '    ClientSecret = @"$S",', '};'),
  P('src/app.kt', 'alnum-32', 'kotlin', 'val consumerKey = "$S"'),
  P('config/settings.ini', 'alnum-20', 'ini', '[service]', 'url = https://$W.acme.io', 'password = $S'),
  P('config/app.toml', 'hex-40', 'toml', '[github]', 'token = "$S"'),
  P('src/github.ts', 'github-token', 'github', "const octokit = new Octokit({ auth: '$S' });"),
  P('README.md', 'alnum-32', 'docs-env', '## Setup', '', '```sh', 'export SERVICE_API_KEY=$S', '```'),
  P('test/integration/setup.ts', 'alnum-32', 'test-path', "process.env.PARTNER_API_KEY = '$S';"),
];

/** Lines that look like secrets and are not; any finding on them is a false positive. */
const NEGATIVES: Template[] = [
  P('package-lock.json', 'none', 'sri', '{"packages": {"node_modules/x": {', '  "integrity": "sha512-$B88=="', '}}}'),
  P('src/models/session.ts', 'none', 'uuid-id', "const requestToken = '$U';"),
  P('scripts/verify.sh', 'none', 'checksum', 'TOKEN_SHA256="$H64"', 'echo "$TOKEN_SHA256  dist.tgz" | sha256sum -c'),
  P('db/seeds/users.yml', 'none', 'bcrypt', '- name: admin', '  password_hash: "$2b$12$$B53"'),
  P('config/ldap.ldif', 'none', 'ssha', 'userPassword: {SSHA}$B32'),
  P('etc/passwd', 'none', 'passwd', 'root:x:0:0:root:/root:/bin/bash', 'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin'),
  P('locales/de.json', 'none', 'translation', '{', '  "password": "Passwort",', '  "passwordTooShort": "Das Passwort ist zu kurz"', '}'),
  P('src/i18n/fr.json', 'none', 'translation-2', '{"forgotPassword": "Mot de passe oublié ?", "token_expired": "Jeton expiré"}'),
  P('docs/setup.md', 'none', 'placeholder', 'api_key = "your-api-key-here"', 'SECRET_KEY=<your-secret-key>', 'token: ${GITHUB_TOKEN}'),
  P('src/config/example.ts', 'none', 'placeholder-words', "const apiKey = 'base64EncodedKey';", "const secretKey = 'mySecretKeyForDevelopment';"),
  P('src/config/defaults.ts', 'none', 'sequence', "const PRIVATE_KEY_ID = '012345abcdef012345abcdef';"),
  P('setup.py', 'none', 'version', 'auth_token_version = "2.31.0"', "install_requires=['requests-oauthlib>=1.3.1']"),
  P('src/auth/flow.ts', 'none', 'code', 'const token = await getAccessToken(credentials, scopes);', 'const password = req.body.password;', 'const secret = config.get("secret");'),
  P('src/auth/flow.py', 'none', 'code-py', 'token = os.environ["API_TOKEN"]', 'password = getpass.getpass()', 'secret_key = settings.SECRET_KEY'),
  P('.github/workflows/ci.yml', 'none', 'ci-ref', '    env:', '      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}', '      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}'),
  P('go.sum', 'none', 'go-sum', 'github.com/golang-jwt/jwt/v5 v5.2.1 h1:$B43=', 'golang.org/x/oauth2 v0.21.0/go.mod h1:$B43='),
  P('src/cache/keys.ts', 'none', 'cache-key', "const cacheKey = 'orders:summary:v2';", "const sortKey = 'createdAt';"),
  P('k8s/secret.yaml', 'none', 'k8s-ref', 'env:', '  - name: DB_PASSWORD', '    valueFrom:', '      secretKeyRef: { name: db, key: password }'),
  P('src/crypto/hash.ts', 'none', 'hash-var', "const passwordDigest = '$H64';", "const tokenHash = '$H40';"),
  P('docs/curl.md', 'none', 'doc-curl', 'curl -u username:password https://api.example.com', 'curl -H "Authorization: Bearer <token>" https://api.example.com'),
  P('src/public.ts', 'none', 'public-key', "const publishableKey = 'pk_live_$A24';", "const publicKey = '$A32';"),
  P('web/index.html', 'none', 'html-sri', '<script src="https://cdn.acme.io/app.js" integrity="sha384-$B64" crossorigin="anonymous"></script>'),
  P('test/unit/format.test.ts', 'none', 'test-ids', "const commitSha = '$H40';", "const traceId = '$H32';"),
];

const FILLER = [
  '// keep the retry budget small: the upstream rate limit is per token',
  'function handler(req, res) { return res.json({ ok: true }); }',
  'logger.info("refreshing access token for %s", account)',
  '  - name: checkout',
  'The password reset flow sends a link that expires in one hour.',
  'if (!token) throw new AuthError("missing token");',
  'const keys = Object.keys(config);',
  '',
];

function fill(t: Template, r: Rand): { lines: string[]; hit: number } {
  const secret = t.secret === 'none' ? '' : SECRETS[t.secret](r);
  const basic = Buffer.from(`svc-${word(r)}:${SECRETS['alnum-20'](r)}`).toString('base64');
  let hit = -1;
  const lines = t.lines.map((l, i) => {
    const out = l
      .replace('$S', secret)
      .replace(/\$W/g, word(r))
      .replace('BASIC', basic)
      .replace('$U', uuid(r))
      .replace(/\$H(\d+)/g, (_, n) => fake.hex(Number(n), r))
      .replace(/\$B(\d+)/g, (_, n) => b64(Number(n))(r))
      .replace(/\$A(\d+)/g, (_, n) => fake.alnum(Number(n), r));
    if (t.secret === 'none' && l !== out) hit = i;
    if (l.includes('$S') || l.includes('BASIC')) hit = i;
    if (t.secret === 'none' && hit < 0) hit = i;
    return out;
  });
  return { lines, hit };
}

/** Writes the corpus: `copies` instances of every template, each in its own file with filler around. */
export function generateRealisticCorpus(root: string, copies = 12, seed = 20261201): Corpus {
  rmSync(root, { recursive: true, force: true });
  const r = seeded(seed);
  const corpus: Corpus = { root, positives: [], negatives: [], files: 0, bytes: 0 };
  for (let c = 0; c < copies; c++) {
    for (const [set, list] of [['pos', POSITIVES], ['neg', NEGATIVES]] as const) {
      list.forEach((t, ti) => {
        const base = t.file(r);
        const file = `repo-${c}/${base.replace(/(\.[^./]+)?$/, (ext) => `-${ti}${ext}`)}`;
        const before = Array.from({ length: r(6) }, () => FILLER[r(FILLER.length)]);
        const { lines, hit } = fill(t, r);
        const all = [...before, ...lines, ...Array.from({ length: r(6) }, () => FILLER[r(FILLER.length)])];
        const text = all.join('\n') + '\n';
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), text);
        corpus.files++;
        corpus.bytes += Buffer.byteLength(text);
        if (set === 'pos') corpus.positives.push({ file, line: before.length + hit + 1, kind: t.kind });
        else for (let i = 0; i < lines.length; i++) corpus.negatives.push({ file, line: before.length + i + 1, kind: t.kind });
      });
    }
    // one private key built by string concatenation, per copy
    const pem = freshPrivateKeyPem('rsa').trim().split('\n');
    const file = `repo-${c}/src/main/java/com/acme/Signer.java`;
    const text = ['class Signer {', '  static final String KEY =', ...pem.map((l) => `    "${l}\\n" +`), '    "";', '}'].join('\n') + '\n';
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
    corpus.files++;
    corpus.bytes += text.length;
    corpus.positives.push({ file, line: 3, kind: 'pem-concatenated' });
  }
  return corpus;
}

export interface CorpusScore {
  positives: number;
  found: number;
  findings: number;
  /** Findings on no positive line (look-alikes and filler). */
  falsePositives: number;
  missedByKind: Record<string, number>;
  fpByKind: Record<string, number>;
}

/** A positive counts as found when a finding lies on its line (a PEM block: anywhere in its file). */
export function scoreCorpus(corpus: Corpus, findings: { file: string; line: number }[]): CorpusScore {
  const s: CorpusScore = { positives: corpus.positives.length, found: 0, findings: findings.length, falsePositives: 0, missedByKind: {}, fpByKind: {} };
  const at = (f: string, l: number) => `${f}:${l}`;
  const pos = new Map(corpus.positives.map((p) => [at(p.file, p.line), p]));
  const neg = new Map(corpus.negatives.map((p) => [at(p.file, p.line), p]));
  const hit = new Set<string>();
  for (const f of findings) {
    const p = pos.get(at(f.file, f.line)) ?? corpus.positives.find((x) => x.kind === 'pem-concatenated' && x.file === f.file);
    if (p) hit.add(at(p.file, p.line));
    else {
      s.falsePositives++;
      const k = neg.get(at(f.file, f.line))?.kind ?? 'filler';
      s.fpByKind[k] = (s.fpByKind[k] ?? 0) + 1;
    }
  }
  for (const p of corpus.positives) {
    if (hit.has(at(p.file, p.line))) s.found++;
    else s.missedByKind[p.kind] = (s.missedByKind[p.kind] ?? 0) + 1;
  }
  return s;
}
