// Runs the detectors over one text (a file, or the lines a commit added to a file).
// Pre-filter: a detector's regex only runs on the lines (or windows) where one of its
// keywords occurs; lines are sliced once per detector so no regex ever scans a whole
// large file. Overlapping findings keep the higher-priority detector's; AWS secrets are
// paired with the key id a few lines away.
import { DETECTORS } from '../detectors/index.js';
import type { Confidence, Detector, FindingAttributes, Verified } from '../detectors/types.js';
import { charClasses, isFixturePath, isPlaceholder } from '../detectors/util.js';

/** A finding inside the scanner process. `value` never leaves it: it is hashed at once. */
export interface RawFinding {
  detector: string;
  value: string;
  keyId?: string;
  /** 1-based line in the text (before any line map). */
  line: number;
  confidence: Confidence;
  attributes?: FindingAttributes;
  expiresAt?: string;
}

export interface DetectOptions {
  /** Judge test, fixture, mock and example folders like any other (no lowered confidence). */
  includeFixtures?: boolean;
}

const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };

interface Candidate {
  det: Detector;
  prio: number;
  start: number;
  end: number;
  v: Verified;
}

const COMPILED = DETECTORS.map((d) => ({ det: d, re: new RegExp(d.regex.source, d.regex.flags.includes('d') ? d.regex.flags : d.regex.flags + 'd') }));

/** Pair an AWS secret/session token with a key id at most this many lines away. */
const PAIR_LINES = 6;
const AWS_SECRET_SHAPE = /^[A-Za-z0-9/+]{40}$/;

interface Trigger {
  prio: number;
  /** The keyword as the detector wrote it; null when matched case-insensitively. */
  exact: string | null;
}

interface Prefilter {
  re: RegExp;
  /** Lower-cased matched keyword → detectors to run (including those whose keyword is a substring of it). */
  triggers: Map<string, Trigger[]>;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PREFILTERS = new Map<string, Prefilter>();

interface TrieNode {
  end: boolean;
  kids: Map<string, TrieNode>;
}

/**
 * The keywords as one regular expression factored by common prefixes (a trie): V8 tries
 * an alternation branch by branch at every position, so 170 flat keywords cost 170 tries
 * where the trie costs one per distinct first character. Matches the longest keyword.
 */
function trieSource(keys: string[]): string {
  const root: TrieNode = { end: false, kids: new Map() };
  for (const k of keys) {
    let n = root;
    for (const ch of k) {
      let kid = n.kids.get(ch);
      if (!kid) n.kids.set(ch, (kid = { end: false, kids: new Map() }));
      n = kid;
    }
    n.end = true;
  }
  const emit = (n: TrieNode): string => {
    const alts = [...n.kids].map(([ch, kid]) => esc(ch) + emit(kid));
    if (alts.length === 0) return '';
    const body = alts.length === 1 ? alts[0] : `(?:${alts.join('|')})`;
    return n.end ? `(?:${body})?` : body;
  };
  return emit(root);
}

/**
 * One case-insensitive pass of the active detectors' keywords finds every place worth a
 * closer look; keywords a detector wants exact (prefixes such as `SK`, `sl.`) are
 * checked at the hit.
 */
function prefilter(active: number[]): Prefilter {
  const sig = active.join(',');
  let p = PREFILTERS.get(sig);
  if (p) return p;
  const kw = new Map<string, Trigger[]>();
  for (const prio of active) {
    const d = COMPILED[prio].det;
    for (const k of d.keywords) {
      const lk = k.toLowerCase();
      const list = kw.get(lk) ?? [];
      list.push({ prio, exact: d.caseInsensitive ? null : k });
      kw.set(lk, list);
    }
  }
  const keys = [...kw.keys()];
  const triggers = new Map<string, Trigger[]>();
  for (const k of keys) {
    const all: Trigger[] = [];
    for (const other of keys) {
      if (!k.includes(other)) continue;
      for (const t of kw.get(other) ?? []) all.push(other === k ? t : { prio: t.prio, exact: t.exact && k.includes(t.exact.toLowerCase()) ? null : t.exact });
    }
    triggers.set(k, all);
  }
  p = { re: new RegExp(trieSource(keys), 'gi'), triggers };
  PREFILTERS.set(sig, p);
  return p;
}

export function detect(text: string, path = '', opts: DetectOptions = {}): RawFinding[] {
  // Test and fixture folders are scanned (real keys end up there too), with one level
  // less confidence, and without the generic detector's weakest findings.
  const fixture = !opts.includeFixtures && isFixturePath(path);
  const active: number[] = [];
  for (let prio = 0; prio < COMPILED.length; prio++) {
    const det = COMPILED[prio].det;
    if (det.appliesTo && !det.appliesTo(path)) continue;
    if (det.requires && !det.requires.every((r) => text.includes(r))) continue;
    active.push(prio);
  }
  if (active.length === 0) return [];
  const cands: Candidate[] = [];
  const lastLine = new Int32Array(COMPILED.length).fill(-1);
  const seen: (Set<number> | null)[] = COMPILED.map(() => null);
  const pf = prefilter(active);
  const re = pf.re;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  let ls = -1;
  let le = -1;
  while ((m = re.exec(text))) {
    const at = m.index;
    re.lastIndex = at + 1; // overlapping keywords each get their chance
    const triggers = pf.triggers.get(m[0].toLowerCase());
    if (!triggers) continue;
    if (at >= le) {
      ls = text.lastIndexOf('\n', at) + 1;
      le = text.indexOf('\n', at);
      if (le < 0) le = text.length;
    }
    for (const t of triggers) {
      // An exact keyword at this position, or (for a substring trigger) anywhere in the match.
      if (t.exact !== null && !m[0].includes(t.exact) && !text.startsWith(t.exact, at)) continue;
      if (lastLine[t.prio] === ls) continue;
      lastLine[t.prio] = ls;
      const { det, re: dre } = COMPILED[t.prio];
      if (det.scope === 'line') run(det, t.prio, dre, text.slice(ls, le), ls, path, cands, null);
      else {
        const ws = Math.max(0, ls - det.scope.before);
        const we = Math.min(text.length, le + det.scope.after);
        run(det, t.prio, dre, text.slice(ws, we), ws, path, cands, (seen[t.prio] ??= new Set()));
      }
    }
  }
  if (cands.length === 0) return [];
  // Overlaps: keep the higher-priority (lower index) detector's finding.
  cands.sort((a, b) => a.prio - b.prio || a.start - b.start);
  const kept: Candidate[] = [];
  for (const c of cands) {
    if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
    kept.push(c);
  }
  kept.sort((a, b) => a.start - b.start);
  // Line numbers in one forward pass.
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  for (const k of kept) {
    for (let i = text.indexOf('\n', pos); i >= 0 && i < k.start; i = text.indexOf('\n', i + 1)) line++;
    pos = k.start;
    lines.push(line);
  }
  const out: RawFinding[] = [];
  kept.forEach((k, i) => {
    let confidence = k.v.confidence ?? k.det.confidence;
    let attributes = k.v.attributes;
    if (fixture && !k.det.checksummed) {
      if (k.det.id === 'generic-secret' && confidence === 'low') return;
      confidence = LOWER[confidence];
      attributes = { ...attributes, testPath: true };
    }
    out.push({ detector: k.det.id, value: k.v.value, keyId: k.v.keyId, line: lines[i], confidence, attributes, expiresAt: k.v.expiresAt });
  });
  pairAws(out);
  return out;
}

function run(det: Detector, prio: number, re: RegExp, chunk: string, offset: number, path: string, out: Candidate[], seen: Set<number> | null): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(chunk))) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (seen) {
      if (seen.has(offset + m.index)) continue;
      seen.add(offset + m.index);
    }
    let v: Verified | null;
    try {
      v = det.verify ? det.verify(m, { text: chunk, path }) : { value: m[1] ?? m[0] };
    } catch {
      v = null;
    }
    if (!v || !v.value) continue;
    if (det.placeholderCheck !== false && !det.checksummed && isPlaceholder(v.value)) continue;
    let range = v.range;
    if (!range) {
      const ind = (m as RegExpExecArray & { indices?: ([number, number] | undefined)[] }).indices;
      range = ind?.[1] ?? [m.index, m.index + m[0].length];
    }
    out.push({ det, prio, start: offset + range[0], end: offset + range[1], v });
  }
}

function pairAws(findings: RawFinding[]): void {
  const ids = findings.filter((f) => f.detector === 'aws-access-key-id');
  if (ids.length === 0) return;
  for (const f of findings) {
    // A 40-character base64 value under any secret-like name next to a key id is that key's secret.
    // Same bar as the AWS secret detector itself: mixed case and digits. A 40-char lowercase hex
    // string next to a key id is a commit SHA or a GCP key id, not an AWS secret.
    const awsShaped = f.detector === 'generic-secret' && AWS_SECRET_SHAPE.test(f.value) && charClasses(f.value) >= 3;
    if ((f.detector !== 'aws-secret-access-key' && f.detector !== 'aws-session-token' && !awsShaped) || f.keyId) continue;
    let best: RawFinding | undefined;
    for (const id of ids) {
      const d = Math.abs(id.line - f.line);
      if (d > PAIR_LINES) continue;
      // A session token pairs with a temporary (ASIA) id; a secret key with either.
      if (f.detector === 'aws-session-token' && !id.value.startsWith('ASIA')) continue;
      if (!best || d < Math.abs(best.line - f.line)) best = id;
    }
    if (best) {
      if (awsShaped) {
        f.detector = 'aws-secret-access-key';
        f.confidence = 'high';
        f.attributes = undefined;
      }
      f.keyId = best.value;
      f.attributes = { ...f.attributes, pairedKeyLine: best.line };
      best.attributes = { ...best.attributes, pairedWithSecret: true };
    }
  }
}
