// Generators of realistic-looking but fake secrets, generated at run time (nothing
// secret is committed): the demo repository, the tests and the benchmark plant them.
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { base62, crc32 } from './detectors/util.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = ALNUM + '+/';

export type Rand = (n: number) => number;
const cryptoRand: Rand = (n) => randomInt(n);

/** n characters drawn from the alphabet. */
export function pick(alphabet: string, n: number, rand: Rand = cryptoRand): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rand(alphabet.length)];
  return s;
}

/** A deterministic pseudo-random source (mulberry32) for reproducible trees. */
export function seeded(seed: number): Rand {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export const fake = {
  awsKeyId: (prefix: 'AKIA' | 'ASIA' = 'AKIA', rand?: Rand) => prefix + pick(BASE32, 16, rand),
  awsSecret: (rand?: Rand) => pick(B64, 40, rand),
  awsSessionToken: (rand?: Rand) => 'IQoJb3JpZ2luX2VjE' + pick(B64, 300, rand),
  /** A GitHub token with a valid CRC32 checksum. */
  githubToken: (prefix: 'ghp' | 'gho' | 'ghu' | 'ghs' | 'ghr' = 'ghp', rand?: Rand) => {
    const r = pick(ALNUM, 30, rand);
    return `${prefix}_${r}${base62(crc32(r), 6)}`;
  },
  githubFineGrained: (rand?: Rand) => `github_pat_${pick(ALNUM, 22, rand)}_${pick(ALNUM, 59, rand)}`,
  npmToken: (rand?: Rand) => {
    const r = pick(ALNUM, 30, rand);
    return `npm_${r}${base62(crc32(r), 6)}`;
  },
  gitlabToken: (rand?: Rand) => `glpat-${pick(ALNUM, 20, rand)}`,
  slackBotToken: (rand?: Rand) => `xoxb-${pick('0123456789', 12, rand)}-${pick('0123456789', 13, rand)}-${pick(ALNUM, 24, rand)}`,
  slackWebhook: (rand?: Rand) => `https://hooks.slack.com/services/T${pick('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 8, rand)}/B${pick('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 10, rand)}/${pick(ALNUM, 24, rand)}`,
  stripeLive: (rand?: Rand) => `sk_live_${pick(ALNUM, 24, rand)}`,
  pypiToken: (rand?: Rand) => `pypi-AgEIcHlwaS5vcmc${pick(ALNUM + '-_', 70, rand)}`,
  gcpApiKey: (rand?: Rand) => `AIza${pick(ALNUM + '-_', 35, rand)}`,
  gcpOauthSecret: (rand?: Rand) => `GOCSPX-${pick(ALNUM + '-_', 28, rand)}`,
  azureClientSecret: (rand?: Rand) => `${pick(ALNUM, 3, rand)}${rand ? rand(10) : randomInt(10)}Q~${pick(ALNUM + '_.-', 34, rand)}`,
  azureStorageKey: (rand?: Rand) => pick(B64, 86, rand) + '==',
  azureSasSig: (rand?: Rand) => pick(ALNUM, 43, rand) + '%3D',
  password: (rand?: Rand) => pick(ALNUM, 14, rand) + '!' + pick('0123456789', 3, rand),
  hexKeyId: (rand?: Rand) => pick('0123456789abcdef', 40, rand),
  hex: (n: number, rand?: Rand) => pick('0123456789abcdef', n, rand),
  alnum: (n: number, rand?: Rand) => pick(ALNUM, n, rand),
  letters: (n: number, rand?: Rand) => pick(ALNUM.slice(0, 52), n, rand),
  openaiKey: (rand?: Rand) => `sk-proj-${pick(ALNUM + '-_', 74, rand)}T3BlbkFJ${pick(ALNUM + '-_', 74, rand)}`,
  anthropicKey: (rand?: Rand) => `sk-ant-api03-${pick(ALNUM + '-_', 93, rand)}AA`,
  huggingfaceToken: (rand?: Rand) => `hf_${pick(ALNUM.slice(0, 52), 34, rand)}`,
  replicateToken: (rand?: Rand) => `r8_${pick(ALNUM, 37, rand)}`,
  perplexityKey: (rand?: Rand) => `pplx-${pick(ALNUM, 48, rand)}`,
  slackAppToken: (rand?: Rand) => `xapp-1-A${pick('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 10, rand)}-${pick('0123456789', 13, rand)}-${pick('0123456789abcdef', 64, rand)}`,
  grafanaServiceAccountToken: (rand?: Rand) => {
    const head = `glsa_${pick(ALNUM, 32, rand)}`;
    return `${head}_${crc32(head).toString(16).padStart(8, '0')}`;
  },
  mailgunKey: (rand?: Rand) => `key-${pick('0123456789abcdef', 32, rand)}`,
  swarmJoinToken: (rand?: Rand) => `SWMTKN-1-${pick('abcdefghijklmnopqrstuvwxyz0123456789', 50, rand)}-${pick('abcdefghijklmnopqrstuvwxyz0123456789', 25, rand)}`,
  akamaiToken: (rand?: Rand) => `akab-${pick('abcdefghijklmnopqrstuvwxyz0123456789', 16, rand)}-${pick('abcdefghijklmnopqrstuvwxyz0123456789', 16, rand)}`,
  githubInstallationToken: (rand?: Rand) => `v1.${pick('0123456789abcdef', 40, rand)}`,
  dropboxToken: (rand?: Rand) => `sl.${pick(ALNUM + '-_', 138, rand)}`,
  /** A NATS user seed with its CRC16 (XMODEM) checksum: base32 of prefix bytes, 32 random bytes, CRC. */
  natsUserSeed: (rand?: Rand) => {
    const bytes = [(18 << 3) | (160 >> 5), (160 & 31) << 3];
    for (let i = 0; i < 32; i++) bytes.push(rand ? rand(256) : randomInt(256));
    let crc = 0;
    for (const b of bytes) {
      crc ^= b << 8;
      for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    bytes.push(crc & 0xff, crc >> 8);
    let out = '';
    let acc = 0;
    let bits = 0;
    for (const b of bytes) {
      acc = (acc << 8) | b;
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out += BASE32[(acc >> bits) & 31];
      }
    }
    if (bits > 0) out += BASE32[(acc << (5 - bits)) & 31];
    return out;
  },
  /** A signed-looking JWT (HS256 header, random signature) expiring `expSeconds` from now. */
  jwt: (rand?: Rand, expSeconds = 3600 * 24 * 365) => {
    const b64u = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const h = b64u({ alg: 'HS256', typ: 'JWT' });
    const p = b64u({ sub: `svc-${pick(ALNUM, 8, rand)}`, iss: 'https://auth.acme.internal', exp: Math.floor(Date.now() / 1000) + expSeconds });
    return `${h}.${p}.${pick(ALNUM + '-_', 43, rand)}`;
  },
};

/** A fresh RSA (PKCS#8 PEM) or Ed25519 key; real key material, made here and never stored. */
export function freshPrivateKeyPem(type: 'rsa' | 'ed25519' = 'ed25519'): string {
  if (type === 'rsa') return generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Random-looking PEM body of the right shape (fast: no key generation), for bulk planting. */
export function fakePrivateKeyPem(label = 'RSA PRIVATE KEY', rand?: Rand): string {
  const body = rand ? pick(B64, 64 * 12, rand) : randomBytes(576).toString('base64');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A GCP service-account key file (JSON) with a fake private key. */
export function fakeGcpKeyJson(opts: { projectId: string; email: string; keyId?: string; rand?: Rand; pem?: string }): { json: string; keyId: string } {
  const keyId = opts.keyId ?? fake.hexKeyId(opts.rand);
  const obj = {
    type: 'service_account',
    project_id: opts.projectId,
    private_key_id: keyId,
    private_key: opts.pem ?? fakePrivateKeyPem('PRIVATE KEY', opts.rand),
    client_email: opts.email,
    client_id: pick('0123456789', 21, opts.rand),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(opts.email)}`,
    universe_domain: 'googleapis.com',
  };
  return { json: JSON.stringify(obj, null, 2) + '\n', keyId };
}
