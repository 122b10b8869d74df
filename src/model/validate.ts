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

/** Cut strings longer than MAX_TEXT anywhere inside a JSON value; returns whether anything was cut. */
function truncateDeep(v: unknown, depth = 0): { value: unknown; cut: boolean } {
  if (typeof v === 'string') return v.length > MAX_TEXT ? { value: v.slice(0, MAX_TEXT) + TRUNCATED, cut: true } : { value: v, cut: false };
  if (v === null || typeof v !== 'object' || depth > 32) return { value: v, cut: false };
  let cut = false;
  if (Array.isArray(v)) {
    const out = v.map((x) => {
      const t = truncateDeep(x, depth + 1);
      cut ||= t.cut;
      return t.value;
    });
    return { value: cut ? out : v, cut };
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const t = truncateDeep(x, depth + 1);
    cut ||= t.cut;
    out[k] = t.value;
  }
  return { value: cut ? out : v, cut };
}

function checkColumn(r: Record<string, unknown>, c: ColumnSpec, out: Validation): void {
  if (c.derived || c.computed) return;
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
    case 'json': {
      if (c.column !== 'raw' && (typeof v !== 'object' || Array.isArray(v))) {
        out.problems.push(`${key} must be an object`);
        return;
      }
      const t = truncateDeep(v);
      if (t.cut) {
        r[key] = t.value;
        out.truncated.push(key);
      }
      return;
    }
  }
}

/**
 * Check a record and cut oversized values in place. A record with problems must not be stored;
 * truncated fields are worth a note.
 */
export function checkRecord(record: ScanRecord): Validation {
  const out: Validation = { problems: [], truncated: [] };
  const r = record as unknown as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) return { problems: ['record must be an object'], truncated: [] };
  switch (record.type) {
    case 'identity':
    case 'credential':
    case 'grant':
    case 'trust':
    case 'owner_candidate':
      for (const c of ENTITY_BY_RECORD[record.type].columns) checkColumn(r, c, out);
      if (record.type === 'credential') checkCredentialExtras(r, out.problems);
      if (record.type === 'owner_candidate' && typeof r.confidence === 'number' && (r.confidence < 0 || r.confidence > 100)) out.problems.push('confidence must be 0 to 100');
      break;
    case 'error':
      for (const k of ['operation', 'code', 'message']) if (typeof r[k] !== 'string' || !r[k]) out.problems.push(`${k} is required`);
      break;
    case 'note':
      if (typeof r.message !== 'string' || !r.message) out.problems.push('message is required');
      break;
    default:
      out.problems.push(`unknown record type ${JSON.stringify((r as { type?: unknown }).type)}`);
  }
  return out;
}

function checkCredentialExtras(r: Record<string, unknown>, p: string[]): void {
  if (typeof r.preview === 'string' && r.preview.length > 16) p.push('preview is longer than a redacted preview may be (use ctx.secrets.protect)');
  if (r.location === undefined || r.location === null) return;
  const l = r.location as Record<string, unknown>;
  if (typeof l !== 'object') {
    p.push('location must be an object');
    return;
  }
  if (typeof l.path !== 'string' || !l.path) p.push('location.path is required');
  if (l.date !== undefined && l.date !== null && !isTime(l.date)) p.push(`location.date must be an ISO-8601 timestamp, got ${JSON.stringify(l.date)}`);
  if (l.line !== undefined && (typeof l.line !== 'number' || !Number.isInteger(l.line) || l.line < 0)) p.push('location.line must be a line number');
}

/** Problems with a record (empty when valid). */
export function validateRecord(record: ScanRecord): string[] {
  return checkRecord(record).problems;
}
