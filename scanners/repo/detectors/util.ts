// Shared checks: Shannon entropy, placeholder and look-alike rejection, CRC32/base62
// checksums (GitHub and npm tokens), base64 helpers.

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const PLACEHOLDER_WORDS =
  /example|x{4,}|placeholder|changeme|change_me|change-me|dummy|sample|redacted|replace|insert|your[_-]?|notreal|not_real|not-real|fake|foobar|lorem|ipsum|secret_here|token_here|key_here|here_|_here|todo|fixme|^test|test$|^none$|^null$|^undefined$|^true$|^false$|^password$|^secret$/i;

/** A value that only pretends to be a secret: template references, EXAMPLE keys, xxxx, <your-key>. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (/[<>{}]|\$\(|\$[A-Za-z_]|%\(|%s|\{\{|\.\.\.|…/.test(v)) return true; // ${VAR}, $VAR, {{ var }}, <your-key>, %(x)s, truncated
  if (PLACEHOLDER_WORDS.test(v)) return true;
  if (/\*{3,}|#{3,}|_{4,}|-{4,}|\.{3,}/.test(v)) return true; // masked
  if (/(.)\1{5,}/.test(v)) return true; // aaaaaa, 000000
  if (/0123456|1234567|abcdefg|ABCDEFG|qwerty|abc123|123abc|012345abcdef/i.test(v)) return true;
  if (/^\[[\w -]+\]$/.test(v)) return true; // [PASSWORD]
  return false;
}

/** A value that reads like code rather than a literal (`process.env.X`, `getSecret()`, `self.token`). */
export function looksLikeCode(value: string): boolean {
  if (/^(process\.env|os\.environ|os\.getenv|env\.|ENV\[|System\.getenv|config\.|settings\.|this\.|self\.|params\.|args\.|props\.|secrets\.|vars\.|inputs\.|request\.|req\.)/i.test(value)) return true;
  if (/\(|\)|\[|\]|;$/.test(value)) return true;
  // dotted identifiers: a.b.c
  if (/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(value)) return true;
  return false;
}

/** Mix of character classes: a random secret has letters and digits (or symbols). */
export function charClasses(s: string): number {
  let n = 0;
  if (/[a-z]/.test(s)) n++;
  if (/[A-Z]/.test(s)) n++;
  if (/[0-9]/.test(s)) n++;
  if (/[^A-Za-z0-9]/.test(s)) n++;
  return n;
}

let CRC_TABLE: Uint32Array | null = null;
export function crc32(s: string): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < s.length; i++) crc = CRC_TABLE[(crc ^ s.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export function base62(n: number, width: number): string {
  let out = '';
  let v = n;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub (and npm) token checksum: the last 6 characters are the CRC32 of the random
 * part (after the prefix), base62-encoded and left-padded with zeros.
 * https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
 */
export function validBase62Checksum(body: string): boolean {
  if (body.length <= 6) return false;
  const random = body.slice(0, -6);
  return base62(crc32(random), 6) === body.slice(-6);
}

/** Decode base64 or base64url; null when it is not. */
export function decodeBase64(s: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return null;
  try {
    return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  } catch {
    return null;
  }
}

export function parseJsonObject(buf: Buffer | null): Record<string, unknown> | null {
  if (!buf) return null;
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Tests, fixtures, mocks, snapshots and examples: findings there get one level less confidence. */
export function isFixturePath(path: string): boolean {
  return /(^|\/)(fixtures?|__fixtures__|testdata|test-data|__mocks__|mocks?|__snapshots__|examples?|samples?|tests?|__tests__|spec|specs)(\/|$)|[._-](test|spec)\.[a-z]+$|_test\.go$/i.test(path);
}

/** The basename of a POSIX-style relative path. */
export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

/**
 * The base64 body of a PEM block (header lines, `\n` escapes, quotes and whitespace
 * removed), or null when it is too short or not base64: a placeholder like
 * `-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----`.
 */
export function pemBody(pem: string): string | null {
  const inner = pem
    .replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '\n')
    .replace(/\\r|\\n/g, '\n')
    .split('\n')
    // Lines of string concatenation in code: "…" +, '…',  "…" ., `…` &, + "…"
    .map((l) => l.trim().replace(/^(?:[+.&]\s*)?["'`]/, '').replace(/["'`]\s*[+.&,;)]*\s*$/, '').replace(/^\s*[+.&,;)]+\s*$/, ''))
    .filter((l) => l && !l.includes(':')) // Proc-Type: / DEK-Info: headers
    .join('');
  if (inner.length < 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(inner)) return null;
  if (entropy(inner) < 4.5 || /EXAMPLE|x{6,}|X{6,}/.test(inner)) return null;
  return inner;
}
