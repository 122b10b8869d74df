// Stable, fast ids for derived things (grants, trust edges, findings). Not for secrets:
// secrets get a keyed HMAC (secrets/protect.ts). 64 bits from two FNV-1a passes with
// different seeds: collisions are negligible at millions of ids, and it costs far less
// than a cryptographic hash per record.
export function stableHash(s: string): string {
  return stableId(s);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
}

/**
 * Hash of several parts, unambiguous about where one part ends: stableHash of the parts joined
 * with U+0000, computed without building the joined string and formatted through a table
 * (Number#toString(16) took two thirds of the time; a scan hashes a grant id per grant).
 */
export function stableId(...parts: (string | null | undefined)[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let p = 0; p < parts.length; p++) {
    if (p > 0) {
      // The separator, U+0000: c = 0.
      a = Math.imul(a, 0x01000193);
      b = Math.imul(b, 0x5bd1e995);
      b ^= b >>> 13;
    }
    const s = parts[p] ?? '';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 13;
    }
  }
  a ^= a >>> 15;
  a = Math.imul(a, 0x2c1b3c6d);
  b ^= b >>> 16;
  b = Math.imul(b, 0x297a2d39);
  return hex32(a >>> 0) + hex32((b ^ (a >>> 7)) >>> 0);
}

/**
 * Key id of a GitHub token: GitHub identifies a token by its last eight characters (the SAML
 * credential-authorization list and the token settings page show them), so a token leaked in
 * source and the authorized credential the GitHub scanner sees carry the same key id.
 */
export function githubTokenKeyId(token: string): string {
  return `github-token:…${token.slice(-8)}`;
}
