// Generic: a high-entropy literal assigned to a secret-like name (password, secret,
// token, api_key, private_key, credentials…) in code, YAML, JSON, INI or tfvars. Low
// confidence; every more specific detector wins over it on the same value.
import type { Detector } from './types.js';
import { charClasses, entropy, looksLikeCode } from './util.js';

const NOT_A_SECRET_NAME = /(name|type|file|path|dir|url|uri|ref|len|length|size|count|env|var|field|header|prefix|suffix|id|ids|key_id|keyid|format|mode|method|version|policy|provider|store|manager|endpoint|expiry|expires|ttl|hint|label|template|pattern|regex|placeholder|class|kind|enabled|required|rotation|arn|param|params|query|attr|attribute|column|event|action|message|error|status|input|output|request|response|date|time|used|at)$/i;

/** Source files where a secret is a quoted string literal: an unquoted right-hand side is code. */
const CODE_EXT = /\.(m?[jt]sx?|cjs|cts|mts|py|go|java|kt|kts|scala|rb|php|cs|c|cc|cpp|h|hpp|rs|swift|dart|lua|pl|groovy|vue|svelte)$/i;

export const genericSecret: Detector = {
  id: 'generic-secret',
  title: 'High-entropy value assigned to a secret-like name',
  provider: 'generic',
  confidence: 'low',
  keywords: ['secret', 'passw', 'pwd', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'accesskey', 'private_key', 'credential', 'auth_key'],
  caseInsensitive: true,
  scope: 'line',
  // Anchored on the keyword (the rest of the name is read backwards in verify): a leading
  // [\w.-]{0,40} would make the engine backtrack at every position of every line.
  regex: /(?:secret|passw(?:or)?d|passwd|pwd|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|credentials?|auth[_.-]?key)[A-Za-z0-9_.-]{0,40}["'`]?\]?\s{0,4}(?::=|=>|\|\|=|[:=]|\s+=\s+)\s{0,4}(?:[a-z]{1,3}["'`]|["'`])?([^"'`\s,;)}\]]{12,300})["'`]?/gi,
  verify(m, ctx) {
    const value = m[1];
    let b = m.index;
    while (b > 0 && m.index - b < 40 && /[A-Za-z0-9_.-]/.test(ctx.text[b - 1])) b--;
    const name = ctx.text.slice(b, m.index) + (/^[A-Za-z0-9_.-]+/.exec(m[0])?.[0] ?? '');
    if (NOT_A_SECRET_NAME.test(name)) return null;
    if (/^(sk|pk|rk)_test_|^pk_live_/.test(value)) return null; // Stripe test-mode and publishable keys
    // A value in a format with its own detector (and checksum) that rejected it is not a secret.
    if (/^(gh[pousr]_|github_pat_|npm_|gl[a-z]{2,4}-|xox[a-z]-|[sr]k_live_|AKIA|ASIA|AIza|GOCSPX-|pypi-|eyJ)/.test(value)) return null;
    if (looksLikeCode(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[./~]/.test(value)) return null;
    const before = ctx.text[m.index + m[0].lastIndexOf(value) - 1];
    if (CODE_EXT.test(ctx.path) && !/["'`]/.test(before ?? '')) return null; // identifiers, types, expressions
    // values that name themselves (SomePassword123, my-secret-token-2), header names, dates
    if (/passw|secret|token|api_?key|changeit/i.test(value) || /^X-[A-Za-z0-9-]+$/.test(value) || /^\d{4}-\d{2}-\d{2}/.test(value)) return null;
    if (entropy(value) < 3.5 || charClasses(value) < 2 || !/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return null;
    // identifiers and words joined by separators: my-secret-name, SOME_TOKEN_VAR
    if (/^[A-Za-z]+([_.-][A-Za-z]+)*([_.-]?\d{1,4})?$/.test(value)) return null;
    const start = m.index + m[0].lastIndexOf(value);
    return { value, range: [start, start + value.length], attributes: { variable: name.slice(0, 80) } };
  },
};

export const GENERIC_DETECTORS = [genericSecret];
