// Credentials in HTTP usage: Authorization headers (Basic / Bearer / Token) in curl
// commands, HTTP fixtures and Postman collections, `curl -u user:pass`, passwords in URLs
// of any scheme (https, amqp, redis, nats, ftp, smtp, ldap…; database schemes have their
// own detector), JWK private keys, and AI provider keys known only by their variable name.
import type { Detector, Verified } from './types.js';
import { decodeBase64, isPlaceholder } from './util.js';
import { looksLikeWords, randomnessScore } from './randomness.js';

const DUMMY_PASSWORD = /^(pass(word)?|passwd|pwd|secret|root|admin|test|user|username|guest|changeme|example|sample|token|apikey|api_key|key|mypassword|yourpassword|pass123|password123|\*+|x+)$/i;

function plausiblePassword(pw: string, user: string): boolean {
  return pw.length >= 4 && !DUMMY_PASSWORD.test(pw) && pw !== user && !isPlaceholder(pw) && !/^[$%{<]/.test(pw) && !/^\d{1,6}$/.test(pw);
}

export const httpAuthorization: Detector = {
  id: 'http-authorization',
  title: 'HTTP Authorization header credential (Basic / Bearer / Token)',
  provider: 'http',
  confidence: 'medium',
  keywords: ['basic ', 'bearer ', 'authorization'],
  caseInsensitive: true,
  scope: 'line',
  regex: /(?<![A-Za-z])(basic|bearer|token)[ \t]+([A-Za-z0-9+/=._~-]{12,2000})/gi,
  verify(m, ctx): Verified | null {
    const scheme = m[1].toLowerCase();
    const v = m[2];
    // An Authorization header, or the scheme written as a header value.
    if (!/authori[sz]ation|-H\s|--header|headers?\b/i.test(ctx.text) && !/^(Basic|Bearer|Token)$/.test(m[1])) return null;
    if (scheme === 'token' && !/authori[sz]ation/i.test(ctx.text)) return null;
    if (scheme === 'basic') {
      const raw = decodeBase64(v)?.toString('utf8') ?? '';
      const i = raw.indexOf(':');
      if (i <= 0 || !/^[\x20-\x7e]+$/.test(raw)) return null;
      if (!plausiblePassword(raw.slice(i + 1), raw.slice(0, i))) return null;
      return { value: v, range: [m.index + m[0].length - v.length, m.index + m[0].length], attributes: { scheme, username: raw.slice(0, i).slice(0, 80) } };
    }
    if (v.startsWith('eyJ')) return null; // a JWT: the jwt detector judges it (and knows the published samples)
    if (v.length < 16 || looksLikeWords(v) || randomnessScore(v) < -2.5 || isPlaceholder(v)) return null;
    return { value: v, range: [m.index + m[0].length - v.length, m.index + m[0].length], attributes: { scheme } };
  },
};

export const curlUser: Detector = {
  id: 'curl-user-password',
  title: 'Password in a curl -u / --user argument',
  provider: 'http',
  confidence: 'medium',
  keywords: ['-u', '--user'],
  scope: 'line',
  regex: /(?:^|\s)(?:-u|--user)[ \t=]*(["']?)([^\s:"'$]{1,64}):([^\s"']{4,128})\1/g,
  verify(m, ctx) {
    if (!/\bcurl\b|\bwget\b|\bhttp\b/.test(ctx.text)) return null;
    const [, , user, pw] = m;
    if (!plausiblePassword(pw, user)) return null;
    const start = m.index + m[0].lastIndexOf(pw);
    return { value: pw, range: [start, start + pw.length], attributes: { username: user } };
  },
};

const DB_SCHEMES = /^(postgres(ql)?|mysql|mariadb|mongodb(\+srv)?|rediss?|amqps?|mssql|sqlserver|cockroachdb)(\+[a-z0-9]+)?$/i;

export const urlPassword: Detector = {
  id: 'url-password',
  title: 'Password in a URL (https, amqp, nats, ftp, smtp, ldap…)',
  provider: 'url',
  confidence: 'medium',
  keywords: ['://'],
  scope: 'line',
  // Anchored on `://` (a leading scheme pattern would be tried at every position); the
  // scheme is read backwards in verify.
  regex: /:\/\/([^:@/\s"'`<>]{1,64}):([^@\s"'`/<>]{3,128})@([A-Za-z0-9._-]{1,253})/g,
  placeholderCheck: false,
  verify(m, ctx) {
    const [, user, password, host] = m;
    const scheme = /[a-z][a-z0-9+.-]{1,20}$/i.exec(ctx.text.slice(Math.max(0, m.index - 21), m.index))?.[0] ?? '';
    if (!scheme) return null;
    if (DB_SCHEMES.test(scheme)) return null; // database-url
    let pw = password;
    try {
      pw = decodeURIComponent(password);
    } catch {
      /* keep it raw */
    }
    if (!plausiblePassword(pw, user) || /^(host|hostname|example\.(com|org)|[\w.-]*\.example\.(com|org)|server|your[-_]?host)$/i.test(host)) return null;
    const local = /^(localhost|127\.0\.0\.1|0\.0\.0\.0)$/i.test(host);
    const start = m.index + 3 + user.length + 1;
    return { value: password, range: [start, start + password.length], confidence: local ? 'low' : 'medium', attributes: { scheme: scheme.toLowerCase(), host, username: user } };
  },
};

export const jwkPrivateKey: Detector = {
  id: 'jwk-private-key',
  title: 'JSON Web Key with private material',
  provider: 'jwk',
  confidence: 'high',
  keywords: ['"kty"', '\\"kty\\"'],
  scope: { before: 3000, after: 3000 },
  regex: /\\?"d\\?"\s*:\s*\\?"([A-Za-z0-9_-]{32,1400})\\?"/g,
  verify(m, ctx) {
    const open = ctx.text.lastIndexOf('{', m.index);
    const close = ctx.text.indexOf('}', m.index);
    if (open < 0 || close < 0) return null;
    const obj = ctx.text.slice(open, close);
    const kty = /\\?"kty\\?"\s*:\s*\\?"(RSA|EC|OKP|oct)\\?"/.exec(obj);
    if (!kty || randomnessScore(m[1]) < -3) return null;
    return { value: m[1], attributes: { keyType: kty[1] } };
  },
};

/** AI providers whose keys have no prefix: known by the variable they are assigned to. */
export const aiKeyByName: Detector = {
  id: 'ai-provider-key',
  title: 'AI provider API key (by variable name)',
  provider: 'cohere',
  confidence: 'medium',
  keywords: ['cohere', 'mistral', 'gemini', 'deepseek', 'together', 'fireworks', 'voyage', 'anyscale', 'google_ai', 'googleai', 'google-ai'],
  caseInsensitive: true,
  scope: 'line',
  regex: /(cohere|mistral|gemini|deepseek|together|fireworks|voyage|anyscale|google[_-]?ai)[A-Za-z0-9_.-]{0,30}(?:key|token)["'`]?[ \t]*(?::=|=>|[:=])[ \t]*["'`]?((?:sk-|fw_|pa-|esecret_)?[A-Za-z0-9_-]{32,80})(?![A-Za-z0-9_-])/gi,
  verify(m) {
    const v = m[2];
    if (/^AIza/.test(v) || isPlaceholder(v) || looksLikeWords(v) || randomnessScore(v) < -3) return null;
    const provider = m[1].toLowerCase().replace(/[_-]/g, '');
    return { value: v, range: [m.index + m[0].length - v.length, m.index + m[0].length], attributes: { aiProvider: provider === 'googleai' ? 'google-ai' : provider, secretKind: 'ai_api_key' } };
  },
};

export const HTTP_DETECTORS = [jwkPrivateKey, httpAuthorization, curlUser, urlPassword];
