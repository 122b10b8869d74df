// Google Cloud: service-account JSON keys (structure-checked: type service_account, a
// 40-hex private_key_id, a client_email and a PEM private key), API keys and OAuth client
// secrets. The SA key's value is the key material, so the same key seen as a bare PEM
// elsewhere is the same credential.
import type { Detector } from './types.js';
import { entropy, pemBody } from './util.js';

function nearest(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = 0;
  let best: RegExpExecArray | null = null;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (!best || Math.abs(m.index - at) < Math.abs(best.index - at)) best = m;
  }
  return best;
}

const Q = String.raw`\\?"`;
const TYPE_RE = new RegExp(`${Q}type${Q}\\s*:\\s*${Q}service_account${Q}`, 'g');
const EMAIL_RE = new RegExp(`${Q}client_email${Q}\\s*:\\s*${Q}([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.(?:iam\\.)?gserviceaccount\\.com)${Q}`, 'g');
const PROJECT_RE = new RegExp(`${Q}project_id${Q}\\s*:\\s*${Q}([a-z][a-z0-9-]{4,61}[a-z0-9])${Q}`, 'g');
const KEY_RE = new RegExp(`${Q}private_key${Q}\\s*:\\s*${Q}(-----BEGIN (?:RSA )?PRIVATE KEY-----[A-Za-z0-9+/=\\\\\\s]{64,8000}?-----END (?:RSA )?PRIVATE KEY-----(?:\\\\{1,2}n)?)${Q}`, 'g');

export const gcpServiceAccountKey: Detector = {
  id: 'gcp-service-account-key',
  title: 'GCP service-account key (JSON)',
  provider: 'gcp',
  confidence: 'high',
  keywords: ['private_key_id'],
  scope: { before: 6000, after: 8000 },
  regex: new RegExp(`${Q}private_key_id${Q}\\s*:\\s*${Q}([0-9a-f]{40})${Q}`, 'g'),
  placeholderCheck: false,
  verify(m, ctx) {
    const at = m.index;
    const type = nearest(TYPE_RE, ctx.text, at);
    const key = nearest(KEY_RE, ctx.text, at);
    const email = nearest(EMAIL_RE, ctx.text, at);
    if (!type || !key || !email) return null;
    // All parts of one JSON object: within a few KB of the key id.
    if ([type, key, email].some((x) => Math.abs(x.index - at) > 5000)) return null;
    const body = pemBody(key[1]);
    if (!body) return null;
    const project = nearest(PROJECT_RE, ctx.text, at);
    const start = key.index + key[0].indexOf(key[1]);
    return {
      value: body,
      keyId: m[1],
      attributes: { clientEmail: email[1], ...(project && Math.abs(project.index - at) < 5000 ? { projectId: project[1] } : {}) },
      range: [Math.min(start, m.index), Math.max(start + key[1].length, m.index + m[0].length)],
    };
  },
  description: 'A downloaded service-account key file (or its JSON pasted into YAML/env).',
};

export const gcpApiKey: Detector = {
  id: 'gcp-api-key',
  title: 'Google API key',
  provider: 'gcp',
  confidence: 'high',
  keywords: ['AIza'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/g,
  verify(m) {
    return entropy(m[1]) < 3.5 ? null : { value: m[1] };
  },
};

export const gcpOauthClientSecret: Detector = {
  id: 'gcp-oauth-client-secret',
  title: 'Google OAuth client secret',
  provider: 'gcp',
  confidence: 'high',
  keywords: ['GOCSPX-'],
  scope: 'line',
  regex: /(?<![A-Za-z0-9_-])(GOCSPX-[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])/g,
  verify(m) {
    return entropy(m[1]) < 3.5 ? null : { value: m[1] };
  },
};

export const GCP_DETECTORS = [gcpServiceAccountKey, gcpApiKey, gcpOauthClientSecret];
