// One vocabulary of secret-bearing names, shared by the generic detector's keyword
// pre-filter, its regular expression and its name check: a name the pre-filter lets
// through is judged by the same words, so they cannot disagree. Names are compared as
// words in every casing and separator style (privateKey, private-key, PRIVATE_KEY,
// privatekey all become the words or the flat string `privatekey`).

/** Lower-case substrings that start a secret-bearing name: the pre-filter keywords and the regex anchor. */
export const NAME_STEMS = ['secret', 'pass', 'pwd', 'token', 'key', 'cred', 'auth', 'sid', 'bearer'] as const;

/** Flat names (words joined, lower case) that always name a secret. */
const STRONG_FLAT = /(secret|password|passwd|passphrase|passwort|contrasena|token|apikey|privatekey|secretkey|accesskey|authkey|consumerkey|clientsecret|signingkey|encryptionkey|masterkey|sessionkey|licensekey|bearer)s?$/;
/** Single words that name a secret on their own. */
const STRONG_WORDS = new Set(['pwd', 'pw', 'passwd', 'pass', 'nkey', 'creds', 'cred', 'oauth', 'secret', 'token', 'password']);
// `credential` alone often names a reference (an id, a hash) in reports and APIs: weak.
/** Words that name a secret only weakly (a bare `key`, `auth`, `sid`): the value must carry more of the evidence. */
const WEAK_WORDS = new Set(['key', 'keys', 'auth', 'sid', 'apikey', 'seed', 'credential', 'credentials']);

/**
 * Last words that make the name about something other than the secret itself: its id,
 * its name, where it is stored, how long it lives, a hash of it.
 */
const NOT_SECRET_LAST = new Set((
  'name names type types file files path paths dir url uri urls ref len length size count env var vars field header headers prefix suffix id ids ' +
  'format mode method version policy provider store manager endpoint expiry expires expiration ttl hint label template pattern regex placeholder class ' +
  'kind enabled enable required rotation arn param params query attr attribute column event action message error status input output request response ' +
  'date time used at on by location region hash hashes checksum digest sha md5 sha1 sha256 sha512 integrity fingerprint etag length min max timeout ' +
  'limit limits flag option options schema validator validation strength policy rule rules index duration lifetime age reset changed update updated ' +
  'visible visibility mask masked field label text title description desc help link button icon page screen dialog form modal view tab route path handler ' +
  'callback listener type typ alg algorithm cipher encoding encoded bits bytes chars separator delimiter char set list map key_id keyid user username login email'
).split(' '));

/** Words anywhere in the name that mark it as not a secret (public halves, hashes, counters, UI). */
const NOT_SECRET_ANY = new Set((
  'public pub publishable hash hashed checksum digest integrity fingerprint sha md5 etag sri nonce csrf xsrf sort cache partition primary foreign idempotency ' +
  'lookup hotkey keyboard keyword keywords keycode keypress keydown keyup keystroke tokenizer tokenize tokenized max min count num number limit ' +
  'expire expires expiry expiration timeout ttl length size bypass compass passenger passage passthrough author authority authorization authors authored ' +
  'forgot reset confirm confirmation repeat retype old strength policy validator regex pattern label placeholder translation i18n hint reveal show toggle visible'
).split(' '));

/** Split a name into lower-case words: camelCase, PascalCase, snake_case, kebab-case, dotted, ALLCAPS. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

const MEMO = new Map<string, 0 | 1 | 2>();

/** How strongly a name says it holds a secret: 2 strong, 1 weak, 0 not at all. */
export function nameStrength(name: string): 0 | 1 | 2 {
  let s = MEMO.get(name);
  if (s === undefined) {
    s = judgeName(name);
    if (MEMO.size > 20000) MEMO.clear(); // names repeat within a tree; bound the memory
    MEMO.set(name, s);
  }
  return s;
}

function judgeName(name: string): 0 | 1 | 2 {
  const words = nameWords(name);
  if (words.length === 0) return 0;
  const last = words[words.length - 1];
  if (NOT_SECRET_LAST.has(last)) return 0;
  if (words.some((w) => NOT_SECRET_ANY.has(w))) return 0;
  if (words.some((w) => STRONG_WORDS.has(w))) return 2;
  // A strong stem ending a word or a pair of words (PRIVATEKEY, clientsecret, apiToken,
  // private_key), but not a word that merely starts with it (keying, tokenizer).
  for (let i = 0; i < words.length; i++) {
    if (STRONG_FLAT.test(words[i]) || (i + 1 < words.length && STRONG_FLAT.test(words[i] + words[i + 1]))) return 2;
  }
  if (words.some((w) => WEAK_WORDS.has(w) || /^oauth/.test(w) || /key$/.test(w) && /^(api|auth|app|access|client|consumer|private|secret|master|signing|license|account|service|storage|nkey|enc|encryption|hmac|jwt|session|admin|root|deploy|ssh|gpg|pgp|subscription)/.test(w))) return 1;
  return 0;
}
