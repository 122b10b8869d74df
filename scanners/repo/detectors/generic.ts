// Generic: a literal assigned to a secret-bearing name, judged by its evidence rather than
// one entropy floor: how strongly the name says secret (vocabulary.ts), how random the
// value is for its alphabet and length (randomness.ts), where it sits (quoted literal,
// unquoted config value, unquoted in code), known non-secret shapes (hashes, UUIDs, SRI,
// versions, paths, placeholders) and the kind of file. Every more specific detector wins
// over it on the same value.
import type { Confidence, Detector } from './types.js';
import { charClasses, looksLikeCode } from './util.js';
import { NAME_STEMS, nameStrength } from './vocabulary.js';
import { alphabetOf, looksLikeWords, randomnessScore } from './randomness.js';

/** Source files where a secret is a quoted string literal: an unquoted right-hand side is code. */
const CODE_EXT = /\.(m?[jt]sx?|cjs|cts|mts|py|go|java|kt|kts|scala|rb|php|cs|c|cc|cpp|h|hpp|rs|swift|dart|lua|pl|groovy|vue|svelte)$/i;
/** Translations, docs-as-data and lock files: words and hashes, not secrets. */
const NOT_SECRET_FILE = /(^|\/)(locales?|i18n|l10n|translations?|lang)\/|\.(po|pot|xliff|xlf|strings|resx|lock|sum)$|(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|go\.sum|poetry\.lock|composer\.lock|Gemfile\.lock|passwd|shadow|group)$/i;

/** Values whose shape says what they are, and it is not a secret. */
function knownNonSecret(v: string, name: string): string | null {
  if (/^sha(1|256|384|512)-[A-Za-z0-9+/]+=*$/.test(v)) return 'sri';
  if (/^\$(2[abxy]?|5|6|argon2(id?|d)|scrypt|pbkdf2[\w-]*|apr1|1|y)\$/.test(v) || /^\{(S?SHA\d*|SSHA\d*|MD5|SMD5|CRYPT|BCRYPT|PBKDF2[\w-]*)\}/i.test(v) || /^(pbkdf2_sha\d+|bcrypt_sha256|argon2)\$/.test(v)) return 'password-hash';
  // UUIDs are ids (request, session, tenant…) unless the name says key, secret or password.
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) && !/secret|passw|api_?key|apikey|auth|access|private|client|bearer/i.test(name)) return 'uuid';
  if (/^v?\d+(\.\d+){1,3}([-+.][\w.]+)?$/.test(v) || /[-_:@]v?\d+\.\d+\.\d+/.test(v)) return 'version';
  if (/^(sha\d+|md5|sha):/i.test(v)) return 'digest';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^[./~]|^[A-Za-z]:\\/.test(v) || /\/[\w.-]+\/[\w.-]+/.test(v)) return 'path-or-url';
  if (/^[\w.+-]+@[\w-]+\.[\w.-]+$/.test(v)) return 'email';
  if (/^#?[0-9a-f]{3,8}$/i.test(v) && v.length <= 9) return 'color';
  if (/^\d{4}-\d{2}-\d{2}/.test(v) || /^\d+$/.test(v)) return 'date-or-number';
  if (/^X-[A-Za-z0-9-]+$/.test(v)) return 'header-name';
  if (/^[a-z][a-z0-9-]{1,30}:[A-Za-z0-9]/i.test(v)) return 'prefixed-id'; // secret:<hash>, arn:aws:…, urn:…
  return null;
}

/** The value names itself or a variable: SomePassword123, MY_SECRET_TOKEN, my-secret-name. */
function selfNaming(v: string): boolean {
  if (/passw|secret|token|api_?key|changeit|private|credential/i.test(v) && !/[0-9].*[A-Za-z].*[0-9]|[^A-Za-z0-9_.-]/.test(v.replace(/^[A-Za-z_-]+/, ''))) return true;
  return /^[A-Za-z]+([_.-][A-Za-z]+)*([_.-]?\d{1,4})?$/.test(v) && !/[A-Z].*[a-z].*[A-Z].*[a-z].*[A-Z]/.test(v.replace(/[_.-]/g, ''));
}

const STEMS = NAME_STEMS.join('|');

export const genericSecret: Detector = {
  id: 'generic-secret',
  title: 'Secret-like value assigned to a secret-bearing name',
  provider: 'generic',
  confidence: 'low',
  keywords: NAME_STEMS,
  caseInsensitive: true,
  scope: 'line',
  // Anchored on a stem of the vocabulary (the rest of the name is read backwards in
  // verify): a leading [\w]{0,40} would make the engine backtrack at every position.
  // Then: the rest of the name, a closing quote or bracket, an optional type (Go, TS,
  // C#), any spacing (gofmt-aligned structs), an assignment operator of any language
  // (= := ::= ?= .= => : , and XML's >), an optional string prefix only before a quote (b'' r"" @"" f""),
  // and the value up to its closing quote.
  regex: new RegExp(
    `(?:${STEMS})[A-Za-z0-9_.-]{0,40}(?:\\\\?["'\`])?\\]?(?:[ \\t]*:?[ \\t]*(?:string|str|String|&str|&'static str|\\[\\]byte|char\\s?\\*))?[ \\t]{0,60}` +
      `(::?:?=|\\?=|\\.=|\\+=|=>|\\|\\|=|==|=|:|,|>)[ \\t]{0,60}\\[?[ \\t]*(?:(?:[bBrRuUfF]{1,2}|@)(?=\\\\?["'\`]))?(\\\\?["'\`])?([^"'\`\\s,;)}\\]<>\\\\]{8,400})`,
    'gi',
  ),
  verify(m, ctx) {
    const op = m[1];
    const quote = m[2] ? m[2].replace('\\', '') : '';
    const value = m[3];
    const start = m.index + m[0].length - value.length;
    // A quoted value ends at its quote: a sentence ("Votre mot de passe…") or an
    // expression (`"abc" + x`) does not.
    const after = ctx.text[start + value.length] ?? '';
    if (quote && after !== quote && after !== '\\') return null;
    // `prefix:value` with nothing between (secret:<hash>, urn:token:x) is an identifier, not a YAML/JSON assignment.
    if (op === ':' && !quote && start === m.index + m[0].indexOf(':') + 1 && !/\.(properties|conf|cfg)$/i.test(ctx.path)) return null;
    if (op === '>' && (after !== '<' || !/<\/?[A-Za-z_][\w.-]*$/.test(ctx.text.slice(Math.max(0, m.index - 40), m.index + (/^[A-Za-z0-9_.-]+/.exec(m[0])?.[0].length ?? 0))))) return null;
    // Cheap rejections first: most matches are references, URLs and paths.
    if (/^[$%{]|^https?:|^[./~]/.test(value) || (value.includes('/') && !/^[A-Za-z0-9+/=]+$/.test(value))) return null;
    let b = m.index;
    while (b > 0 && m.index - b < 40 && /[A-Za-z0-9_.-]/.test(ctx.text[b - 1])) b--;
    const name = ctx.text.slice(b, m.index) + (/^[A-Za-z0-9_.-]+/.exec(m[0])?.[0] ?? '');
    const strength = nameStrength(name.replace(/^[\w-]*\./, ''));
    if (strength === 0) return null;
    if (NOT_SECRET_FILE.test(ctx.path)) return null;
    if (/^(sk|pk|rk)_test_|^pk_live_/.test(value)) return null; // Stripe test-mode and publishable keys
    // A value in a format with its own detector (and checksum) that rejected it is not a secret.
    if (/^(gh[pousr]_|github_pat_|npm_|gl[a-z]{2,4}-|xox[a-z]-|[sr]k_live_|AKIA|ASIA|AIza|GOCSPX-|pypi-|eyJ)/.test(value)) return null;
    if (knownNonSecret(value, name)) return null;
    // Dotted values are code (a.b.c) unless their parts are random (pat.<random>.<random>).
    if (looksLikeCode(value) && !(/^[\w-]+(\.[\w-]+)+$/.test(value) && /\d/.test(value) && !value.split('.').some((p) => p.length >= 4 && looksLikeWords(p)) && randomnessScore(value) >= -1)) return null;
    const code = CODE_EXT.test(ctx.path);
    if (code && !quote && op !== '>') {
      // Unquoted in code: identifiers and expressions, unless the value is plainly random.
      if (/^[A-Za-z_$][\w$]*$/.test(value) && (looksLikeWords(value) || !/\d/.test(value))) return null;
    }
    if (selfNaming(value)) return null;
    const alpha = alphabetOf(value);
    const z = randomnessScore(value);
    const words = looksLikeWords(value);
    const n = value.length;
    // Minimum length by alphabet: 16 hex characters are 64 bits, 10 mixed characters about 60.
    const minLen = alpha === 'hex' ? 16 : alpha === 'lower' || alpha === 'lower-alnum' ? 12 : 10;
    let evidence = 0;
    if (n >= minLen && !words && z >= -3) evidence = z >= -2 ? 2 : 1;
    // Passwords are chosen by people: a strong password name with a mixed value counts.
    // A strong secret name with a mixed value (letters, digits and symbols or both cases) counts as well.
    const password = strength === 2 && (/pass|pwd|pw$/i.test(name) ? n >= 8 : n >= 12) && charClasses(value) >= 3 && /\d/.test(value) && /[A-Za-z]/.test(value) && !words;
    if (evidence === 0 && !password) return null;
    if (alpha === 'digits') return null;
    // A weak name (key, auth, sid) needs a clearly random value of some length.
    // Hex under a weak name is a digest or an id (sha1/sha256 of something, a key id) unless the name says sid/auth.
    if (strength === 1 && (evidence < 2 || n < 16 || (alpha === 'hex' && !/sid|auth|nkey/i.test(name)))) return null;
    if (code && !quote && evidence < 2) return null;
    const confidence: Confidence = strength === 2 && evidence === 2 && n >= 16 && alpha !== 'hex' ? 'medium' : 'low';
    return { value, range: [start, start + n], confidence, attributes: { variable: name.slice(0, 80) } };
  },
};

export const GENERIC_DETECTORS = [genericSecret];
