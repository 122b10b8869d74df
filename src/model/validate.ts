// Validation of records coming out of scanners. A hostile or malformed API response
// becomes a scan error naming the record, never a corrupt inventory row; an oversized value
// is cut to size with a marker (and reported), never a reason to drop the identity it belongs to.
// The field rules come from the entity specs (src/inventory/entities.ts).
import { ENTITY_BY_RECORD, type ColumnSpec } from '../inventory/entities.js';
import type { ScanRecord } from './records.js';

/** Longest text a column keeps; longer provider values are truncated with TRUNCATED appended. */
export const MAX_TEXT = 4096;
export const TRUNCATED = '…[truncated by nhi]';
/** Fields that identify a record: never truncated (a cut id would name another thing), so too long is invalid. */
const ID_FIELDS = new Set(['id', 'identityId']);
/** Provider names are open, but shaped like a scanner name. */
const PROVIDER_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The inventory's one timestamp form (ISO-8601 UTC with milliseconds), so SQL compares dates as
 * text. Checked by pattern first: Date.parse on millions of timestamps costs seconds. Anything
 * else must at least parse, and is normalized when written.
 */
export const CANONICAL_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

export interface Validation {
  /** Why the record cannot be stored (empty when it can). */
  problems: string[];
  /** Fields whose oversized values were truncated in place. */
  truncated: string[];
}

function isTime(v: unknown): boolean {
  return typeof v === 'string' && (CANONICAL_TIME.test(v) || !Number.isNaN(Date.parse(v)));
}

/** Whether a JSON value holds a string longer than MAX_TEXT anywhere (no allocation: most never do). */
function tooLong(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.length > MAX_TEXT;
  if (v === null || typeof v !== 'object' || depth > 32) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (tooLong(x, depth + 1)) return true;
    return false;
  }
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k) && tooLong((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

/** A copy of a JSON value with every string longer than MAX_TEXT cut (taken only when tooLong found one). */
function truncateDeep(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) + TRUNCATED : v;
  if (v === null || typeof v !== 'object' || depth > 32) return v;
  if (Array.isArray(v)) return v.map((x) => truncateDeep(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, truncateDeep(x, depth + 1)]));
}

/** Name what is wrong with one field of a record in `out.problems`, or cut its oversized value in place and say so in `out.truncated`. */
function checkField(r: Record<string, unknown>, c: ColumnSpec, out: Validation): void {
  const key = c.field;
  const v = r[key];
  if (v === undefined || v === null) {
    if (c.required && c.type !== 'boolean') out.problems.push(`${key} is required`);
    return;
  }
  switch (c.type) {
    case 'text':
      if (typeof v !== 'string') out.problems.push(`${key} must be a string`);
      else if (c.required && v.length === 0) out.problems.push(`${key} must not be empty`);
      else if (c.oneOf && !c.oneOf.includes(v)) out.problems.push(`${key} must be one of ${c.oneOf.join(', ')}, got ${JSON.stringify(v)}`);
      else if (c.name && !PROVIDER_NAME.test(v)) out.problems.push(`${key} must be a lower-case provider name, got ${JSON.stringify(v.slice(0, 40))}`);
      else if (v.length > MAX_TEXT) {
        if (ID_FIELDS.has(key)) out.problems.push(`${key} is longer than ${MAX_TEXT} characters`);
        else {
          r[key] = v.slice(0, MAX_TEXT) + TRUNCATED;
          out.truncated.push(key);
        }
      }
      return;
    case 'time':
      if (!isTime(v)) out.problems.push(`${key} must be an ISO-8601 timestamp, got ${JSON.stringify(v)}`);
      return;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) out.problems.push(`${key} must be a whole number`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') out.problems.push(`${key} must be true or false`);
      return;
    case 'json':
      if (c.column !== 'raw' && (typeof v !== 'object' || Array.isArray(v))) out.problems.push(`${key} must be an object`);
      else if (tooLong(v)) {
        r[key] = truncateDeep(v);
        out.truncated.push(key);
      }
      return;
  }
}

/** The fields a record of each type carries, to check (derived and computed columns are the inventory's). */
const CHECKED = new Map<string, ColumnSpec[]>(Object.entries(ENTITY_BY_RECORD).map(([type, spec]) => [type, spec.columns.filter((c) => !c.derived && !c.computed)]));

/**
 * Per record type, one compiled predicate: true when every field is certainly valid and within
 * size, false when anything needs a closer look (checkField then names the problem or cuts the
 * value). It may answer false for a valid record (a timestamp in another ISO form), never true
 * for one with a problem. A scan validates every record on its main thread, which is what staging
 * waits for: the field-by-field walk over the specs took 4.1-4.7 s for 6M bench-shaped records.
 */
function compileFastCheck(columns: ColumnSpec[]): (r: Record<string, unknown>) => boolean {
  const oneOf: (readonly string[])[] = [];
  const tests = columns.map((c) => {
    let ok: string;
    switch (c.type) {
      case 'text':
        ok = `typeof v === 'string' && v.length <= ${MAX_TEXT}${c.required ? ' && v.length > 0' : ''}`;
        if (c.oneOf) ok += ` && H.oneOf[${oneOf.push(c.oneOf) - 1}].includes(v)`;
        if (c.name) ok += ' && H.NAME.test(v)';
        break;
      case 'time':
        ok = "typeof v === 'string' && H.TIME.test(v)";
        break;
      case 'integer':
        ok = "typeof v === 'number' && Number.isInteger(v)";
        break;
      case 'boolean':
        ok = "typeof v === 'boolean'";
        break;
      case 'json':
        ok = `${c.column === 'raw' ? '' : "typeof v === 'object' && !Array.isArray(v) && "}!H.tooLong(v)`;
        break;
    }
    // A missing value is a problem only for a required field (booleans default to false).
    const missingOk = !c.required || c.type === 'boolean';
    return `v = r[${JSON.stringify(c.field)}]; if (${missingOk ? 'v != null && ' : 'v == null || '}!(${ok})) return false;`;
  });
  const helpers = { oneOf, NAME: PROVIDER_NAME, TIME: CANONICAL_TIME, tooLong };
  return new Function('H', `return function fastCheck(r) { let v; ${tests.join(' ')} return true; }`)(helpers) as (r: Record<string, unknown>) => boolean;
}

const FAST = new Map([...CHECKED].map(([type, columns]) => [type, compileFastCheck(columns)]));

/** What every valid record gets: one shared, frozen, empty result rather than three objects a record. */
const VALID: Validation = Object.freeze({ problems: Object.freeze([]) as unknown as string[], truncated: Object.freeze([]) as unknown as string[] });

/**
 * Check a record and cut oversized values in place. A record with problems must not be stored;
 * truncated fields are worth a note.
 */
export function checkRecord(record: ScanRecord): Validation {
  const r = record as unknown as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) return { problems: ['record must be an object'], truncated: [] };
  switch (record.type) {
    case 'identity':
    case 'credential':
    case 'grant':
    case 'trust':
    case 'owner_candidate': {
      // The rules across fields first: they answer with a shared empty list in the common case.
      const more = crossFieldProblems(record.type, r);
      if (more.length === 0 && FAST.get(record.type)!(r)) return VALID;
      const out: Validation = { problems: [], truncated: [] };
      for (const c of CHECKED.get(record.type)!) checkField(r, c, out);
      out.problems.push(...more);
      return out;
    }
    case 'error': {
      const problems = ['operation', 'code', 'message'].filter((k) => typeof r[k] !== 'string' || !r[k]).map((k) => `${k} is required`);
      return problems.length ? { problems, truncated: [] } : VALID;
    }
    case 'note':
      return typeof r.message !== 'string' || !r.message ? { problems: ['message is required'], truncated: [] } : VALID;
    default:
      return { problems: [`unknown record type ${JSON.stringify((r as { type?: unknown }).type)}`], truncated: [] };
  }
}

/** No problem: shared by the common case of the checks below, so a valid record costs no allocation. */
const NONE: readonly string[] = VALID.problems;

/** The rules that span fields (a credential's preview and location, a candidate's confidence). */
function crossFieldProblems(type: string, r: Record<string, unknown>): readonly string[] {
  if (type === 'credential') return credentialProblems(r);
  if (type === 'owner_candidate' && typeof r.confidence === 'number' && (r.confidence < 0 || r.confidence > 100)) return ['confidence must be 0 to 100'];
  return NONE;
}

function credentialProblems(r: Record<string, unknown>): readonly string[] {
  const longPreview = typeof r.preview === 'string' && r.preview.length > 16;
  if (!longPreview && (r.location === undefined || r.location === null)) return NONE;
  const p: string[] = [];
  if (longPreview) p.push('preview is longer than a redacted preview may be (use ctx.secrets.protect)');
  if (r.location === undefined || r.location === null) return p;
  const l = r.location as Record<string, unknown>;
  if (typeof l !== 'object') {
    p.push('location must be an object');
    return p;
  }
  if (typeof l.path !== 'string' || !l.path) p.push('location.path is required');
  if (l.date !== undefined && l.date !== null && !isTime(l.date)) p.push(`location.date must be an ISO-8601 timestamp, got ${JSON.stringify(l.date)}`);
  if (l.line !== undefined && (typeof l.line !== 'number' || !Number.isInteger(l.line) || l.line < 0)) p.push('location.line must be a line number');
  return p;
}

/** Problems with a record (empty when valid). */
export function validateRecord(record: ScanRecord): string[] {
  return checkRecord(record).problems;
}
