// Generates the benchmark tree at run time: source-like text (TypeScript, Python, Go,
// YAML, Kubernetes manifests, JSON, .env, tfvars, Markdown) full of secret-ish words
// that are not secrets, with planted secrets of every detector kind and planted
// look-alikes (EXAMPLE keys, wrong checksums, placeholders, template references).
// Everything is derived from a seed; no secret is committed anywhere.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fake, fakeGcpKeyJson, fakePrivateKeyPem, seeded, type Rand } from '../../scanners/repo/samples.js';

export interface Planted {
  kind: string;
  /** Path relative to the tree root. */
  file: string;
  /** 1-based line range where a tool may report it. */
  start: number;
  end: number;
}

export interface Manifest {
  root: string;
  bytes: number;
  files: number;
  plants: Planted[];
  lookalikes: Planted[];
  /** Top-level folders, in order (the slice is a prefix of them). */
  folders: string[];
  folderBytes: Record<string, number>;
}

type Snippet = { kind: string; lines: string[]; anchor?: [number, number] };

const WORDS = ('user account order invoice payment session request response handler service client server config cache queue worker ' +
  'retry timeout limit region bucket table stream event metric trace span logger router model schema record batch job task ' +
  'build deploy release stage tenant project cluster node pod volume scope role policy').split(' ');

function pick<T>(r: Rand, a: readonly T[]): T {
  return a[r(a.length)];
}
function ident(r: Rand): string {
  const a = pick(r, WORDS);
  const b = pick(r, WORDS);
  return a + b[0].toUpperCase() + b.slice(1);
}
function hex(r: Rand, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[r(16)];
  return s;
}
function b64(r: Rand, n: number): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  for (let i = 0; i < n; i++) s += A[r(64)];
  return s;
}

/**
 * Filler line makers per file type. `plain` lines are ordinary code/config; `wordy` lines
 * mention tokens, passwords, secrets and keys without holding one. Real code has a few
 * percent of such lines; the generator uses WORDY_SHARE (10 %), more than most real trees,
 * so the keyword pre-filter is not flattered.
 */
export const WORDY_SHARE = 0.1;
const FILLER: Record<string, { plain: ((r: Rand) => string)[]; wordy: ((r: Rand) => string)[] }> = {
  ts: {
    plain: [
      (r) => `export async function ${ident(r)}(ctx: Context, ${ident(r)}: string): Promise<void> {`,
      (r) => `  const ${ident(r)} = await this.${ident(r)}.get(${JSON.stringify(pick(r, WORDS))});`,
      (r) => `  if (${ident(r)}.length > ${r(100)}) return ${ident(r)}.slice(0, ${r(50)});`,
      (r) => `  logger.info({ ${ident(r)}, retries: ${r(10)} }, 'processed ${pick(r, WORDS)}');`,
      (r) => `  return { id: '${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}', ${ident(r)}: ${r(1000)} };`,
      (r) => `import { ${ident(r)} } from './${pick(r, WORDS)}/${pick(r, WORDS)}.js';`,
      (r) => `  headers['X-Request-Id'] = '${hex(r, 32)}';`,
      (r) => `  for (const ${pick(r, WORDS)} of ${ident(r)}) await queue.push(${pick(r, WORDS)});`,
      (r) => `  // ${pick(r, WORDS)} ${pick(r, WORDS)} ${pick(r, WORDS)}: see ${pick(r, WORDS)}.md`,
      () => '}',
      () => '',
    ],
    wordy: [
      (r) => `  const token = await getToken(ctx.${ident(r)});`,
      (r) => `  if (!user.password) throw new Error('password required for ${pick(r, WORDS)}');`,
      (r) => `  const apiKey = process.env.${pick(r, WORDS).toUpperCase()}_API_KEY;`,
      (r) => `  logger.info({ ${ident(r)} }, 'rotated the secret for ${pick(r, WORDS)}');`,
      (r) => `  // TODO(${pick(r, WORDS)}): move the ${pick(r, WORDS)} credentials to the secret manager`,
      (r) => `  const secretName = \`${pick(r, WORDS)}-${pick(r, WORDS)}-secret\`;`,
    ],
  },
  py: {
    plain: [
      (r) => `def ${pick(r, WORDS)}_${pick(r, WORDS)}(self, ${pick(r, WORDS)}, timeout=${r(60)}):`,
      (r) => `    return {"${pick(r, WORDS)}": ${r(100)}, "checksum": "${hex(r, 64)}"}`,
      (r) => `    if ${pick(r, WORDS)} is None: raise ValueError("missing ${pick(r, WORDS)}")`,
      (r) => `    ${pick(r, WORDS)}_${pick(r, WORDS)} = self.${pick(r, WORDS)}.get("${pick(r, WORDS)}", ${r(10)})`,
      (r) => `from ${pick(r, WORDS)}.${pick(r, WORDS)} import ${ident(r)}`,
      () => '',
    ],
    wordy: [
      (r) => `    password = os.environ.get("${pick(r, WORDS).toUpperCase()}_PASSWORD")`,
      (r) => `    token = self.session.fetch_token(scope="${pick(r, WORDS)}")`,
      (r) => `    secret_arn = f"arn:aws:secretsmanager:eu-west-1:${r(10) + 1}${hex(r, 11).replace(/[a-f]/g, '7')}:secret:${pick(r, WORDS)}"`,
      (r) => `    # the api_key is read from vault at runtime (${pick(r, WORDS)})`,
    ],
  },
  go: {
    plain: [
      (r) => `func (s *${ident(r)}) ${ident(r)}(ctx context.Context) error {`,
      (r) => `\tif err != nil { return fmt.Errorf("${pick(r, WORDS)}: %w", err) }`,
      (r) => `\tcommit := "${hex(r, 40)}"`,
      (r) => `\t${pick(r, WORDS)}, err := s.${pick(r, WORDS)}.Get(ctx, "${pick(r, WORDS)}")`,
      () => '}',
    ],
    wordy: [
      (r) => `\ttoken, err := s.auth.Token(ctx, "${pick(r, WORDS)}")`,
      (r) => `\tsecretKey := os.Getenv("${pick(r, WORDS).toUpperCase()}_SECRET_KEY")`,
    ],
  },
  yaml: {
    plain: [
      (r) => `${pick(r, WORDS)}:`,
      (r) => `  ${pick(r, WORDS)}: ${pick(r, WORDS)}-${r(100)}`,
      (r) => `  replicas: ${r(10)}`,
      (r) => `  image: registry.acme.internal/${pick(r, WORDS)}@sha256:${hex(r, 64)}`,
      (r) => `    - name: ${pick(r, WORDS)}-${pick(r, WORDS)}`,
    ],
    wordy: [
      (r) => `  password: \${${pick(r, WORDS).toUpperCase()}_PASSWORD}`,
      (r) => `  tokenUrl: https://auth.${pick(r, WORDS)}.internal/oauth2/token`,
      (r) => `        - name: ${pick(r, WORDS).toUpperCase()}_TOKEN`,
      (r) => `          valueFrom: { secretKeyRef: { name: ${pick(r, WORDS)}-secrets, key: token } }`,
    ],
  },
  json: {
    plain: [
      (r) => `    "${ident(r)}": "${pick(r, WORDS)}-${r(1000)}",`,
      (r) => `    "integrity": "sha512-${b64(r, 86)}==",`,
      (r) => `    "${pick(r, WORDS)}": { "enabled": ${r(2) === 1}, "limit": ${r(500)} },`,
    ],
    wordy: [(r) => `    "apiKeyHeader": "X-${pick(r, WORDS)}-Key",`, (r) => `    "tokenTtlSeconds": ${r(4000)},`],
  },
  tfvars: {
    plain: [
      (r) => `${pick(r, WORDS)}_${pick(r, WORDS)} = "${pick(r, WORDS)}-${r(100)}"`,
      (r) => `kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}"`,
      (r) => `tags = { owner = "${pick(r, WORDS)}", team = "${pick(r, WORDS)}" }`,
    ],
    wordy: [(r) => `db_password_secret_id = "projects/acme/secrets/${pick(r, WORDS)}"`],
  },
  md: {
    plain: [(r) => `The ${pick(r, WORDS)} service sends each ${pick(r, WORDS)} to the ${pick(r, WORDS)} ${pick(r, WORDS)}.`, (r) => `## ${pick(r, WORDS)} ${pick(r, WORDS)}`, () => ''],
    wordy: [
      (r) => `The ${pick(r, WORDS)} service reads its token and password from the environment; never commit a secret.`,
      (r) => `- \`${pick(r, WORDS).toUpperCase()}_API_KEY\`: the ${pick(r, WORDS)} api key (see the runbook)`,
    ],
  },
};

const EXT_TYPE: [string, string][] = [['ts', 'ts'], ['js', 'ts'], ['py', 'py'], ['go', 'go'], ['yaml', 'yaml'], ['yml', 'yaml'], ['json', 'json'], ['tfvars', 'tfvars'], ['md', 'md']];

function plant(kind: string, r: Rand): Snippet {
  const pw = () => fake.password(r);
  switch (kind) {
    case 'aws-key-pair': {
      const id = fake.awsKeyId('AKIA', r);
      return { kind, lines: [`aws_access_key_id = "${id}"`, `aws_secret_access_key = "${fake.awsSecret(r)}"`] };
    }
    case 'aws-session-token':
      return { kind, lines: [`AWS_ACCESS_KEY_ID=${fake.awsKeyId('ASIA', r)}`, `AWS_SECRET_ACCESS_KEY=${fake.awsSecret(r)}`, `AWS_SESSION_TOKEN=${fake.awsSessionToken(r)}`] };
    case 'gcp-api-key':
      return { kind, lines: [`const MAPS_API_KEY = "${fake.gcpApiKey(r)}";`] };
    case 'gcp-oauth-client-secret':
      return { kind, lines: [`  client_secret: "${fake.gcpOauthSecret(r)}"`] };
    case 'azure-client-secret':
      return { kind, lines: [`AZURE_CLIENT_SECRET="${fake.azureClientSecret(r)}"`] };
    case 'azure-connection-string':
      return { kind, lines: [`  storage: "DefaultEndpointsProtocol=https;AccountName=acme${hex(r, 6)};AccountKey=${fake.azureStorageKey(r)};EndpointSuffix=core.windows.net"`] };
    case 'azure-storage-account-key':
      return { kind, lines: [`storage_account_key = "${fake.azureStorageKey(r)}"`] };
    case 'azure-sas-token':
      return { kind, lines: [`  backupUrl: "https://acme${hex(r, 6)}.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2031-01-01T00:00:00Z&spr=https&sig=${fake.azureSasSig(r)}"`] };
    case 'github-ghp': case 'github-gho': case 'github-ghu': case 'github-ghs': case 'github-ghr':
      return { kind, lines: [`  const githubToken = "${fake.githubToken(kind.slice(7) as 'ghp', r)}";`] };
    case 'github-fine-grained-pat':
      return { kind, lines: [`GH_TOKEN="${fake.githubFineGrained(r)}"`] };
    case 'gitlab-token':
      return { kind, lines: [`  gitlab_token: ${fake.gitlabToken(r)}`] };
    case 'slack-token':
      return { kind, lines: [`SLACK_BOT_TOKEN = "${fake.slackBotToken(r)}"`] };
    case 'slack-webhook':
      return { kind, lines: [`  webhook: "${fake.slackWebhook(r)}"`] };
    case 'stripe-live-key':
      return { kind, lines: [`stripe.api_key = "${fake.stripeLive(r)}"`] };
    case 'npm-token':
      return { kind, lines: [`//registry.npmjs.org/:_authToken=${fake.npmToken(r)}`] };
    case 'pypi-token':
      return { kind, lines: [`    password = "${fake.pypiToken(r)}"`] };
    case 'private-key-rsa':
      return { kind, lines: `const SIGNING_KEY = \`${fakePrivateKeyPem('RSA PRIVATE KEY', r)}\`;`.split('\n') };
    case 'private-key-openssh':
      return { kind, lines: fakePrivateKeyPem('OPENSSH PRIVATE KEY', r).trimEnd().split('\n') };
    case 'jwt':
      return { kind, lines: [`  Authorization: "Bearer ${fake.jwt(r)}"`] };
    case 'database-url':
      return { kind, lines: [`DATABASE_URL = "postgres://app_${pick(r, WORDS)}:${pw()}@db-${hex(r, 4)}.prod.acme.internal:5432/app"`] };
    case 'generic-password':
      return { kind, lines: [`  password: "${pw()}"`] };
    case 'generic-secret-key':
      return { kind, lines: [`secret_key = "${pw()}${hex(r, 8)}"`] };
    default:
      throw new Error(`unknown plant ${kind}`);
  }
}

function lookalike(kind: string, r: Rand): Snippet {
  switch (kind) {
    case 'aws-example':
      return { kind, lines: ['aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'] };
    case 'aws-not-base32':
      return { kind, lines: [`  const keyId = "AKIA${hex(r, 16).toUpperCase().replace(/[A-F]/g, '1')}";`] };
    case 'github-bad-checksum': {
      const t = fake.githubToken('ghp', r);
      return { kind, lines: [`  const githubToken = "${t.slice(0, -6)}${t.slice(-6).split('').reverse().join('') === t.slice(-6) ? 'AAAAAA' : t.slice(-6).split('').reverse().join('')}";`] };
    }
    case 'npm-bad-checksum':
      return { kind, lines: [`//registry.npmjs.org/:_authToken=npm_${b64(r, 36).replace(/[+/]/g, 'q')}`] };
    case 'jwt-io-sample':
      return { kind, lines: ['  Authorization: "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"'] };
    case 'database-url-template':
      return { kind, lines: ['DATABASE_URL = "postgres://app:${DB_PASSWORD}@db.prod.acme.internal:5432/app"'] };
    case 'database-url-dummy':
      return { kind, lines: ['  url: postgres://postgres:postgres@localhost:5432/test'] };
    case 'private-key-placeholder':
      return { kind, lines: ['-----BEGIN RSA PRIVATE KEY-----', '...', '-----END RSA PRIVATE KEY-----'] };
    case 'password-placeholder':
      return { kind, lines: [pick(r, ['  password: "changeme"', '  password: "<your-password>"', '  password: "********"', 'api_key = "${API_KEY}"', 'secret_key = "xxxxxxxxxxxxxxxxxxxxxxxx"'])] };
    case 'slack-placeholder':
      return { kind, lines: ['SLACK_BOT_TOKEN = "xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx"'] };
    case 'stripe-docs-test-key':
      return { kind, lines: ['stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"'] };
    case 'azure-emulator-key':
      return { kind, lines: ['  storage: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"'] };
    case 'gcp-api-key-placeholder':
      return { kind, lines: ['const MAPS_API_KEY = "AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";'] };
    case 'gitlab-placeholder':
      return { kind, lines: ['  gitlab_token: glpat-xxxxxxxxxxxxxxxxxxxx'] };
    default:
      throw new Error(`unknown look-alike ${kind}`);
  }
}

export const PLANT_KINDS = [
  'aws-key-pair', 'aws-session-token', 'gcp-api-key', 'gcp-oauth-client-secret', 'azure-client-secret', 'azure-connection-string', 'azure-storage-account-key',
  'azure-sas-token', 'github-ghp', 'github-gho', 'github-ghu', 'github-ghs', 'github-ghr', 'github-fine-grained-pat', 'gitlab-token', 'slack-token', 'slack-webhook',
  'stripe-live-key', 'npm-token', 'pypi-token', 'private-key-rsa', 'private-key-openssh', 'jwt', 'database-url', 'generic-password', 'generic-secret-key',
];
/** Kinds planted as whole files of their own. */
export const FILE_KINDS = ['gcp-service-account-key', 'dotenv-secret', 'kubeconfig', 'putty-private-key'];
export const LOOKALIKE_KINDS = [
  'aws-example', 'aws-not-base32', 'github-bad-checksum', 'npm-bad-checksum', 'jwt-io-sample', 'database-url-template', 'database-url-dummy', 'private-key-placeholder',
  'password-placeholder', 'slack-placeholder', 'stripe-docs-test-key', 'azure-emulator-key', 'gcp-api-key-placeholder', 'gitlab-placeholder',
];

export interface GenerateOptions {
  targetBytes: number;
  folders: number;
  /** Plants of each kind per folder. */
  perFolder: number;
  /** The first N folders go under slice/ (the part every tool, even the slowest, scans). */
  sliceFolders: number;
  seed: number;
}

export function generateTree(root: string, opts: GenerateOptions): Manifest {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const r = seeded(opts.seed);
  const manifest: Manifest = { root, bytes: 0, files: 0, plants: [], lookalikes: [], folders: [], folderBytes: {} };
  const perFolderBytes = opts.targetBytes / opts.folders;
  const write = (rel: string, text: string, folder: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
    const n = Buffer.byteLength(text);
    manifest.bytes += n;
    manifest.files++;
    manifest.folderBytes[folder] = (manifest.folderBytes[folder] ?? 0) + n;
  };
  for (let f = 0; f < opts.folders; f++) {
    const folder = `${f < opts.sliceFolders ? 'slice' : 'rest'}/svc-${String(f).padStart(2, '0')}`;
    manifest.folders.push(folder);
    // Snippets to place in this folder's source files.
    const snippets: { s: Snippet; look: boolean }[] = [];
    for (let i = 0; i < opts.perFolder; i++) {
      for (const k of PLANT_KINDS) snippets.push({ s: plant(k, r), look: false });
      for (const k of LOOKALIKE_KINDS) snippets.push({ s: lookalike(k, r), look: true });
    }
    // Files of their own: a service-account key, a .env, a kubeconfig, a .ppk.
    for (let i = 0; i < opts.perFolder; i++) {
      const sa = fakeGcpKeyJson({ projectId: `acme-${pick(r, WORDS)}-${r(100)}`, email: `${pick(r, WORDS)}-${i}@acme-prod.iam.gserviceaccount.com`, rand: r });
      const saRel = `${folder}/keys/${pick(r, WORDS)}-${i}.json`;
      write(saRel, sa.json, folder);
      manifest.plants.push({ kind: 'gcp-service-account-key', file: saRel, start: 1, end: sa.json.split('\n').length });
      const envLines = ['# local settings', `APP_NAME=${pick(r, WORDS)}`, `SESSION_SECRET=${fake.password(r)}${hex(r, 6)}`, 'LOG_LEVEL=info', ''];
      const envRel = `${folder}/${i === 0 ? '' : `env${i}/`}.env`;
      write(envRel, envLines.join('\n'), folder);
      manifest.plants.push({ kind: 'dotenv-secret', file: envRel, start: 3, end: 3 });
      const keyData = Buffer.from(fakePrivateKeyPem('RSA PRIVATE KEY', r)).toString('base64');
      const kube = ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: prod', '  cluster:', `    server: https://k8s-${hex(r, 4)}.acme.internal`, 'users:', '- name: ci', '  user:',
        `    client-key-data: ${keyData}`, '- name: deployer', '  user:', `    token: ${b64(r, 40).replace(/[+/]/g, 'x')}${r(10)}`, 'contexts: []', ''];
      const kubeRel = `${folder}/deploy/kubeconfig-${i}.yaml`;
      write(kubeRel, kube.join('\n'), folder);
      manifest.plants.push({ kind: 'kubeconfig-client-key', file: kubeRel, start: 10, end: 10 }, { kind: 'kubeconfig-token', file: kubeRel, start: 13, end: 13 });
      const ppk = ['PuTTY-User-Key-File-3: ssh-rsa', 'Encryption: none', `Comment: ${pick(r, WORDS)}`, 'Public-Lines: 2', b64(r, 64), b64(r, 20), 'Private-Lines: 4', b64(r, 64), b64(r, 64), b64(r, 64), b64(r, 40), `Private-MAC: ${hex(r, 64)}`, ''];
      const ppkRel = `${folder}/keys/${pick(r, WORDS)}-${i}.ppk`;
      write(ppkRel, ppk.join('\n'), folder);
      manifest.plants.push({ kind: 'putty-private-key', file: ppkRel, start: 1, end: 11 });
    }
    // Shuffle snippets.
    for (let i = snippets.length - 1; i > 0; i--) {
      const j = r(i + 1);
      [snippets[i], snippets[j]] = [snippets[j], snippets[i]];
    }
    // Source files until the folder's share of bytes is reached.
    let bytes = manifest.folderBytes[folder] ?? 0;
    let n = 0;
    const fileCountGuess = Math.max(1, Math.round(perFolderBytes / 40_000));
    const perFile = Math.ceil(snippets.length / fileCountGuess);
    while (bytes < perFolderBytes || snippets.length > 0) {
      const [ext, type] = pick(r, EXT_TYPE);
      const dir = pick(r, ['src', 'src/lib', 'config', 'deploy/k8s', 'infra', 'docs', 'scripts', 'tests']);
      const rel = `${folder}/${dir}/${ident(r)}-${n++}.${ext}`;
      const size = 8_000 + r(64_000);
      const makers = FILLER[type];
      const lines: string[] = [];
      let len = 0;
      while (len < size) {
        const l = pick(r, r(1000) < WORDY_SHARE * 1000 ? makers.wordy : makers.plain)(r);
        lines.push(l);
        len += l.length + 1;
      }
      // Insert this file's snippets at spread-out positions, with filler between them.
      const mine = snippets.splice(0, perFile);
      const out: string[] = [];
      const slots = mine.map(() => r(Math.max(1, lines.length))).sort((a, b) => a - b);
      let si = 0;
      for (let li = 0; li <= lines.length; li++) {
        while (si < mine.length && slots[si] === li) {
          out.push('');
          const start = out.length + 1;
          out.push(...mine[si].s.lines);
          const entry: Planted = { kind: mine[si].s.kind, file: rel, start, end: start + mine[si].s.lines.length - 1 };
          (mine[si].look ? manifest.lookalikes : manifest.plants).push(entry);
          out.push('');
          si++;
        }
        if (li < lines.length) out.push(lines[li]);
      }
      const text = out.join('\n') + '\n';
      write(rel, text, folder);
      bytes += Buffer.byteLength(text);
    }
  }
  return manifest;
}
