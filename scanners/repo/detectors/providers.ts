// Provider tokens with a documented shape: a fixed prefix (or marker) and a random body.
// One table, one spec per format; each becomes a detector whose keyword is its prefix.
// The body must look random for its alphabet and length (randomness.ts), which rejects
// placeholders such as `hf_xxxxxxxx…`; formats with a published checksum verify it.
import type { Confidence, Detector, SecretProvider, Verified } from './types.js';
import { decodeBase64, isPlaceholder, parseJsonObject, crc32 } from './util.js';
import { randomnessScore } from './randomness.js';

interface TokenSpec {
  id: string;
  title: string;
  provider: SecretProvider;
  keywords: string[];
  /** Group 1 = the token. Prefixes are matched case-sensitively. */
  re: RegExp;
  /** The random part of the token, for the randomness check (default: after the prefix keyword). */
  body?(v: string): string;
  /** Structure check beyond the regex (decode, checksum); may return a confidence. */
  check?(v: string): Confidence | boolean;
  confidence?: Confidence;
  /** The body may legitimately hold long runs of one character (base64 of small numbers). */
  noPlaceholderCheck?: boolean;
  tokenType?: string;
  /** Where the regex runs (default: the keyword's line). */
  scope?: { before: number; after: number };
  /** The credential kind the secret is (ai_api_key for AI providers). */
  secretKind?: string;
}

const B = '(?<![A-Za-z0-9_-])';
const E = '(?![A-Za-z0-9_-])';
const rx = (s: string) => new RegExp(`${B}(${s})${E}`, 'g');

/** Base64 JSON with the given keys (Grafana keys are base64 of a small JSON object). */
function b64Json(v: string, keys: string[]): boolean {
  const o = parseJsonObject(decodeBase64(v.replace(/=+$/, '')));
  return !!o && keys.every((k) => k in o);
}

const AI = 'ai_api_key';

export const TOKEN_SPECS: TokenSpec[] = [
  // AI providers
  { id: 'openai-api-key', title: 'OpenAI API key', provider: 'openai', secretKind: AI, keywords: ['T3BlbkFJ'], re: rx('sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{20,156}T3BlbkFJ[A-Za-z0-9_-]{20,156}'), body: (v) => v.replace(/^sk-(\w+-)?/, '') },
  { id: 'anthropic-api-key', title: 'Anthropic API key', provider: 'anthropic', secretKind: AI, keywords: ['sk-ant-'], re: rx('sk-ant-(?:api|admin|sid)\\d\\d-[A-Za-z0-9_-]{80,120}') },
  { id: 'huggingface-token', title: 'Hugging Face access token', provider: 'huggingface', secretKind: AI, keywords: ['hf_', 'api_org_'], re: rx('(?:hf_|api_org_)[A-Za-z]{34}') },
  { id: 'perplexity-api-key', title: 'Perplexity API key', provider: 'perplexity', secretKind: AI, keywords: ['pplx-'], re: rx('pplx-[A-Za-z0-9]{48}') },
  { id: 'replicate-api-token', title: 'Replicate API token', provider: 'replicate', secretKind: AI, keywords: ['r8_'], re: rx('r8_[A-Za-z0-9]{37}') },
  { id: 'groq-api-key', title: 'Groq API key', provider: 'groq', secretKind: AI, keywords: ['gsk_'], re: rx('gsk_[A-Za-z0-9]{52}') },
  { id: 'xai-api-key', title: 'xAI API key', provider: 'xai', secretKind: AI, keywords: ['xai-'], re: rx('xai-[A-Za-z0-9]{80}') },
  { id: 'openrouter-api-key', title: 'OpenRouter API key', provider: 'openrouter', secretKind: AI, keywords: ['sk-or-v1-'], re: rx('sk-or-v1-[a-f0-9]{64}') },
  { id: 'langsmith-api-key', title: 'LangSmith API key', provider: 'langchain', secretKind: AI, keywords: ['lsv2_'], re: rx('lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}') },
  { id: 'pinecone-api-key', title: 'Pinecone API key', provider: 'pinecone', secretKind: AI, keywords: ['pcsk_'], re: rx('pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{60,70}') },
  // Chat, collaboration, observability
  { id: 'slack-app-token', title: 'Slack app-level / configuration token', provider: 'slack', keywords: ['xapp-', 'xoxe-', 'xoxe.'], re: rx('xapp-\\d-[A-Z0-9]{8,14}-\\d{10,16}-[a-f0-9]{60,70}|xoxe(?:\\.xox[bp])?-\\d-[A-Za-z0-9]{140,170}') },
  { id: 'grafana-service-account-token', title: 'Grafana service account token', provider: 'grafana', keywords: ['glsa_'], re: rx('glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}'), body: (v) => v.slice(5, 37),
    check: (v) => (crc32(v.slice(0, 37)).toString(16).padStart(8, '0') === v.slice(38).toLowerCase() ? 'high' : 'medium') },
  { id: 'grafana-cloud-token', title: 'Grafana Cloud access policy token', provider: 'grafana', keywords: ['glc_'], re: rx('glc_[A-Za-z0-9+/]{32,400}={0,2}'), check: (v) => b64Json(v.slice(4), ['o', 'k']) || 'medium' },
  { id: 'grafana-api-key', title: 'Grafana API key', provider: 'grafana', keywords: ['eyJrIjoi'], re: rx('eyJrIjoi[A-Za-z0-9+/]{50,100}={0,2}'), check: (v) => b64Json(v, ['k', 'n']) },
  { id: 'sentry-token', title: 'Sentry auth token', provider: 'sentry', keywords: ['sntrys_', 'sntryu_'], re: rx('sntrys_eyJ[A-Za-z0-9+/=_]{60,300}|sntryu_[a-f0-9]{64}') },
  { id: 'new-relic-key', title: 'New Relic key', provider: 'newrelic', keywords: ['NRAK-', 'NRII-', 'NRJS-'], re: rx('NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32}|NRJS-[a-f0-9]{19}') },
  { id: 'datadog-token', title: 'Datadog access token', provider: 'datadog', keywords: ['ddapp_', 'ddpat_'], re: rx('dd(?:app|pat)_[A-Za-z0-9]{30,40}') },
  // Email and messaging
  { id: 'mailgun-api-key', title: 'Mailgun API key', provider: 'mailgun', keywords: ['key-', 'pubkey-'], re: rx('(?:pub)?key-[0-9a-f]{32}') },
  { id: 'sendgrid-api-key', title: 'SendGrid API key', provider: 'sendgrid', keywords: ['SG.'], re: rx('SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}') },
  { id: 'twilio-api-key', title: 'Twilio API key SID', provider: 'twilio', keywords: ['SK'], re: rx('SK[0-9a-f]{32}'), confidence: 'medium' },
  { id: 'brevo-api-key', title: 'Brevo (Sendinblue) API key', provider: 'brevo', keywords: ['xkeysib-', 'xsmtpsib-'], re: rx('x(?:key|smtp)sib-[a-f0-9]{64}-[A-Za-z0-9]{16}') },
  // Cloud and infrastructure
  { id: 'docker-swarm-join-token', title: 'Docker Swarm join token', provider: 'docker', keywords: ['SWMTKN-'], re: rx('SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25}') },
  { id: 'akamai-edgegrid-token', title: 'Akamai EdgeGrid client or access token', provider: 'akamai', keywords: ['akab-'], re: rx('akab-[a-z0-9]{16}-[a-z0-9]{16}') },
  { id: 'digitalocean-token', title: 'DigitalOcean token', provider: 'digitalocean', keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'], re: rx('do[por]_v1_[a-f0-9]{64}') },
  { id: 'hashicorp-vault-token', title: 'HashiCorp Vault token', provider: 'hashicorp', keywords: ['hvs.', 'hvb.'], re: rx('hv[sb]\\.[A-Za-z0-9_-]{90,200}') },
  { id: 'terraform-cloud-token', title: 'Terraform Cloud API token', provider: 'hashicorp', keywords: ['.atlasv1.'], re: rx('[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}'), body: (v) => v.split('.')[2] },
  { id: 'pulumi-access-token', title: 'Pulumi access token', provider: 'pulumi', keywords: ['pul-'], re: rx('pul-[a-f0-9]{40}') },
  { id: 'doppler-token', title: 'Doppler token', provider: 'doppler', keywords: ['dp.'], re: rx('dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,44}') },
  { id: 'databricks-token', title: 'Databricks access token', provider: 'databricks', keywords: ['dapi'], re: rx('dapi[a-f0-9]{32}(?:-\\d)?') },
  { id: 'heroku-api-key', title: 'Heroku API key', provider: 'heroku', keywords: ['HRKU-'], re: rx('HRKU-AA[0-9A-Za-z_-]{58}') },
  { id: 'flyio-token', title: 'Fly.io token', provider: 'flyio', keywords: ['fo1_', 'fm1', 'fm2_'], re: rx('fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}') },
  { id: 'planetscale-token', title: 'PlanetScale token or password', provider: 'planetscale', keywords: ['pscale_'], re: rx('pscale_(?:tkn|pw|oauth)_[A-Za-z0-9=._-]{32,64}') },
  { id: 'atlassian-api-token', title: 'Atlassian API token', provider: 'atlassian', keywords: ['ATATT3', 'ATCTT3'], re: new RegExp(`${B}(AT[AC]TT3[A-Za-z0-9_=-]{150,300})(?![A-Za-z0-9_-])`, 'g'), body: (v) => v.slice(6, 80) },
  { id: 'linear-api-key', title: 'Linear API key', provider: 'linear', keywords: ['lin_api_'], re: rx('lin_api_[A-Za-z0-9]{40}') },
  { id: 'postman-api-key', title: 'Postman API key', provider: 'postman', keywords: ['PMAK-'], re: rx('PMAK-[a-f0-9]{24}-[a-f0-9]{34}') },
  { id: 'shopify-token', title: 'Shopify access token or shared secret', provider: 'shopify', keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'], re: rx('shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}') },
  { id: 'rubygems-api-key', title: 'RubyGems API key', provider: 'rubygems', keywords: ['rubygems_'], re: rx('rubygems_[a-f0-9]{48}') },
  { id: 'sourcegraph-token', title: 'Sourcegraph access token', provider: 'sourcegraph', keywords: ['sgp_'], re: rx('sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}') },
  { id: 'notion-token', title: 'Notion integration token', provider: 'notion', keywords: ['ntn_'], re: rx('ntn_[0-9]{11}[A-Za-z0-9]{35}') },
  { id: 'age-secret-key', title: 'age secret key', provider: 'age', keywords: ['AGE-SECRET-KEY-1'], re: rx('AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}') },
  { id: 'onepassword-token', title: '1Password service account token or secret key', provider: 'onepassword', keywords: ['ops_eyJ', 'A3-'], re: rx('ops_eyJ[A-Za-z0-9+/]{250,}={0,3}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}') },
  { id: 'openshift-token', title: 'OpenShift user token', provider: 'openshift', keywords: ['sha256~'], re: rx('sha256~[A-Za-z0-9_-]{43}') },
  { id: 'dropbox-token', title: 'Dropbox access token', provider: 'dropbox', keywords: ['sl.'], re: new RegExp(`(?<![A-Za-z0-9_.-])(sl\\.(?:u\\.)?[A-Za-z0-9_-]{130,1400})${E}`, 'g'), body: (v) => v.replace(/^sl\.(u\.)?/, '').slice(0, 120) },
  { id: 'salesforce-access-token', title: 'Salesforce access token', provider: 'salesforce', keywords: ['00D'], re: new RegExp(`${B}(00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{80,260})${E}`, 'g'), body: (v) => v.split('!')[1] },
  { id: 'github-installation-token', title: 'GitHub App installation token (v1.)', provider: 'github', keywords: ['v1.'], re: new RegExp(`(?<![A-Za-z0-9_.-])(v1\\.[0-9a-f]{40})${E}`, 'g'), confidence: 'medium' },
  { id: 'nats-nkey-seed', title: 'NATS NKEY seed', provider: 'nats', keywords: ['seed', 'SEED'], scope: { before: 0, after: 120 }, re: rx('S[UAONCX][A-D][A-Z2-7]{55}'), check: validNkeySeed },
  { id: 'jwt-base64', title: 'Base64-encoded JSON Web Token', provider: 'jwt', keywords: ['ZXlK'], re: rx('ZXlK[A-Za-z0-9+/]{40,4000}={0,2}'), check: (v) => /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/.test(decodeBase64(v)?.toString('latin1').trim() ?? ''), confidence: 'medium', noPlaceholderCheck: true },
];

/** NKEY seeds are base32 with a CRC16 (XMODEM) over the decoded bytes. https://github.com/nats-io/nkeys */
function validNkeySeed(v: string): boolean {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of v) {
    acc = (acc << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  if (bytes.length < 4) return false;
  const data = bytes.slice(0, -2);
  let crc = 0;
  for (const b of data) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc === (bytes[bytes.length - 2] | (bytes[bytes.length - 1] << 8));
}

function toDetector(s: TokenSpec): Detector {
  return {
    id: s.id,
    title: s.title,
    provider: s.provider,
    confidence: s.confidence ?? 'high',
    keywords: s.keywords,
    scope: s.scope ?? 'line',
    regex: s.re,
    placeholderCheck: false,
    checksummed: s.id === 'nats-nkey-seed',
    verify(m): Verified | null {
      const v = m[1];
      const checked = s.check ? s.check(v) : true;
      if (checked === false) return null;
      const prefix = s.keywords.find((k) => v.startsWith(k)) ?? '';
      const body = s.body ? s.body(v) : v.slice(prefix.length);
      if (s.id !== 'nats-nkey-seed' && s.id !== 'jwt-base64') {
        if (!s.noPlaceholderCheck && isPlaceholder(body)) return null;
        if (randomnessScore(body) < -3) return null;
      }
      const confidence = typeof checked === 'string' ? checked : undefined;
      return { value: v, confidence, attributes: { ...(s.tokenType ? { tokenType: s.tokenType } : {}), ...(s.secretKind ? { secretKind: s.secretKind } : {}) } };
    },
  };
}

export const PROVIDER_TOKEN_DETECTORS: Detector[] = TOKEN_SPECS.map(toDetector);
