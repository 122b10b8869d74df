// Alphabet-aware randomness: how a value's Shannon entropy compares with that of a
// random string of the same length drawn from the same alphabet. A fixed floor in bits
// per character rejects every short random hex secret (16 random hex characters carry
// at most 4 bits each, and usually about 3.5 in a sample that short) and accepts long
// English phrases; the expectation for (alphabet, length) does neither.
import { entropy } from './util.js';

export type Alphabet = 'digits' | 'hex' | 'lower' | 'lower-alnum' | 'letters' | 'alnum' | 'base64' | 'printable';

export function alphabetOf(v: string): Alphabet {
  if (/^[0-9]+$/.test(v)) return 'digits';
  if (/^[0-9a-f]+$/.test(v) || /^[0-9A-F]+$/.test(v)) return 'hex';
  if (/^[a-z]+$/.test(v) || /^[A-Z]+$/.test(v)) return 'lower';
  if (/^[a-z0-9]+$/.test(v) || /^[A-Z0-9]+$/.test(v)) return 'lower-alnum';
  if (/^[A-Za-z]+$/.test(v)) return 'letters';
  if (/^[A-Za-z0-9]+$/.test(v)) return 'alnum';
  if (/^[A-Za-z0-9+/_=.-]+$/.test(v)) return 'base64';
  return 'printable';
}

// Expected entropy of random strings (mean, standard deviation) by alphabet size and
// length: estimated once per pair from 200 seeded samples and kept.
const EXPECTED = new Map<number, [number, number]>();

function expected(k: number, n: number): [number, number] {
  const key = k * 1000 + n;
  const hit = EXPECTED.get(key);
  if (hit) return hit;
  let s = (k * 7919 + n) >>> 0;
  const counts = new Uint16Array(k);
  const hs: number[] = [];
  for (let t = 0; t < 200; t++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      counts[(s >>> 8) % k]++;
    }
    let h = 0;
    for (const c of counts) if (c) h -= (c / n) * Math.log2(c / n);
    hs.push(h);
  }
  const mean = hs.reduce((a, b) => a + b, 0) / hs.length;
  const sd = Math.sqrt(hs.reduce((a, b) => a + (b - mean) ** 2, 0) / hs.length) || 0.05;
  const out: [number, number] = [mean, Math.max(sd, 0.05)];
  EXPECTED.set(key, out);
  return out;
}

/**
 * The alphabet a value was drawn from, as a size: each class of characters it uses
 * (digits, hex letters, other letters in each case, symbols), ignoring classes that
 * make up less than a tenth of it (a fixed prefix such as `SK` in front of hex).
 */
export function alphabetSize(v: string): number {
  let d = 0, lh = 0, lo = 0, uh = 0, uo = 0, sy = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) d++;
    else if (c >= 97 && c <= 102) lh++;
    else if (c >= 103 && c <= 122) lo++;
    else if (c >= 65 && c <= 70) uh++;
    else if (c >= 71 && c <= 90) uo++;
    else sy++;
  }
  const min = Math.max(1, v.length * 0.1);
  let k = 0;
  if (d >= min) k += 10;
  if (lh + lo >= min) k += lo > 0 ? 26 : 6;
  if (uh + uo >= min) k += uo > 0 ? 26 : 6;
  if (sy >= min) k += 4;
  return Math.max(k, 10);
}

/**
 * Standard score of the value's entropy against random strings of its alphabet and
 * length: about 0 for a random value, below -3 for words, repeated patterns, sequences.
 */
export function randomnessScore(v: string): number {
  const whole = zScore(v);
  // Structured tokens (prefix_random, random-random-suffix): the longest part counts too.
  let best = '';
  for (const part of v.split(/[-_.:~]/)) if (part.length > best.length) best = part;
  return best.length >= 16 && best.length < v.length ? Math.max(whole, zScore(best)) : whole;
}

function zScore(v: string): number {
  const n = Math.min(v.length, 128);
  const sample = v.slice(0, n);
  const [mean, sd] = expected(alphabetSize(sample), n);
  return (entropy(sample) - mean) / sd;
}

// Letter pairs common in English words (and in identifiers made of them). Random
// letters hit this set about a third of the time; words nearly always.
const COMMON_BIGRAMS = new Set((
  'th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ' +
  'ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os ' +
  'iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt oc fa ef cu rn sc gi da ' +
  'yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go ht ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph og ms ye ud ' +
  'mb ip ub oi rl gu dr hr cc tw ft wn nu af hu nn eo vo rv nf xp fl sk sm sn sl gn nk rp ks'
).split(' '));

function wordLike(run: string): boolean {
  const r = run.toLowerCase();
  let common = 0;
  for (let i = 0; i + 1 < r.length; i++) if (COMMON_BIGRAMS.has(r.slice(i, i + 2))) common++;
  return common >= (r.length - 1) * 0.75;
}

/**
 * Reads like words rather than random characters: most of it is runs of letters whose
 * letter pairs are common in English (camelCase identifiers, base64EncodedKey, phrases).
 */
export function looksLikeWords(v: string): boolean {
  const runs = v.match(/[A-Z]?[a-z]{2,}|[A-Z]{4,}/g) ?? [];
  let covered = 0;
  for (const r of runs) if (wordLike(r)) covered += r.length;
  return covered >= v.length * 0.6;
}
