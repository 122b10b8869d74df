// Stable, fast ids for derived things (grants, trust edges, findings). Not for secrets:
// secrets get a keyed HMAC (secrets/protect.ts). 64 bits from two FNV-1a passes with
// different seeds: collisions are negligible at millions of ids, and it costs far less
// than a cryptographic hash per record.
export function stableHash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a ^= a >>> 15;
  a = Math.imul(a, 0x2c1b3c6d);
  b ^= b >>> 16;
  b = Math.imul(b, 0x297a2d39);
  return (a >>> 0).toString(16).padStart(8, '0') + ((b ^ (a >>> 7)) >>> 0).toString(16).padStart(8, '0');
}

/** Hash of several parts, unambiguous about where one part ends. */
export function stableId(...parts: (string | null | undefined)[]): string {
  return stableHash(parts.map((p) => p ?? '').join('\u0000'));
}

/**
 * Key id of a GitHub token: GitHub identifies a token by its last eight characters (the SAML
 * credential-authorization list and the token settings page show them), so a token leaked in
 * source and the authorized credential the GitHub scanner sees carry the same key id.
 */
export function githubTokenKeyId(token: string): string {
  return `github-token:…${token.slice(-8)}`;
}
