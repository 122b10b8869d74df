// Validation of records coming out of scanners. A hostile or malformed API response
// becomes a scan error naming the record, never a corrupt inventory row.
import {
  CREDENTIAL_KINDS,
  CREDENTIAL_STATUSES,
  PRIVILEGES,
  PROVIDERS,
  TRUST_PRINCIPAL_TYPES,
  TRUST_RISKS,
  type ScanRecord,
} from './records.js';

const MAX_TEXT = 4096;

function str(r: Record<string, unknown>, key: string, required: boolean, problems: string[]): void {
  const v = r[key];
  if (v === undefined || v === null) {
    if (required) problems.push(`${key} is required`);
    return;
  }
  if (typeof v !== 'string') problems.push(`${key} must be a string`);
  else if (required && v.length === 0) problems.push(`${key} must not be empty`);
  else if (v.length > MAX_TEXT) problems.push(`${key} is longer than ${MAX_TEXT} characters`);
}

/**
 * The inventory's one timestamp form (ISO-8601 UTC with milliseconds), so SQL compares dates as
 * text. Checked by pattern first: Date.parse on millions of timestamps costs seconds. Anything
 * else must at least parse, and is normalized when written.
 */
export const CANONICAL_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

function time(r: Record<string, unknown>, key: string, problems: string[]): void {
  const v = r[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'string' || (!CANONICAL_TIME.test(v) && Number.isNaN(Date.parse(v)))) problems.push(`${key} must be an ISO-8601 timestamp, got ${JSON.stringify(v)}`);
}

function oneOf(r: Record<string, unknown>, key: string, allowed: readonly string[], required: boolean, problems: string[]): void {
  const v = r[key];
  if (v === undefined || v === null) {
    if (required) problems.push(`${key} is required`);
    return;
  }
  if (!allowed.includes(v as string)) problems.push(`${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
}

function obj(r: Record<string, unknown>, key: string, problems: string[]): void {
  const v = r[key];
  if (v === undefined || v === null) return;
  if (typeof v !== 'object' || Array.isArray(v)) problems.push(`${key} must be an object`);
}

/** Problems with a record (empty when valid). */
export function validateRecord(record: ScanRecord): string[] {
  const p: string[] = [];
  const r = record as unknown as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) return ['record must be an object'];
  switch (record.type) {
    case 'identity':
      str(r, 'id', true, p);
      oneOf(r, 'provider', PROVIDERS, true, p);
      str(r, 'scope', true, p);
      str(r, 'kind', true, p);
      str(r, 'name', true, p);
      for (const k of ['createdAt', 'lastUsedAt']) time(r, k, p);
      for (const k of ['lastUsedSource', 'owner', 'ownerSource']) str(r, k, false, p);
      obj(r, 'tags', p);
      obj(r, 'attributes', p);
      break;
    case 'credential':
      str(r, 'id', true, p);
      str(r, 'identityId', false, p);
      oneOf(r, 'provider', PROVIDERS, true, p);
      str(r, 'scope', true, p);
      oneOf(r, 'kind', CREDENTIAL_KINDS, true, p);
      oneOf(r, 'status', CREDENTIAL_STATUSES, true, p);
      for (const k of ['createdAt', 'expiresAt', 'lastUsedAt', 'rotatedAt']) time(r, k, p);
      for (const k of ['name', 'keyId', 'preview', 'secretHash', 'lastUsedSource']) str(r, k, false, p);
      if (typeof r.preview === 'string' && r.preview.length > 16) p.push('preview is longer than a redacted preview may be (use ctx.secrets.protect)');
      if (r.location !== undefined && r.location !== null) {
        const l = r.location as Record<string, unknown>;
        if (typeof l !== 'object') p.push('location must be an object');
        else {
          str(l, 'path', true, p);
          time(l, 'date', p);
          if (l.line !== undefined && (typeof l.line !== 'number' || !Number.isInteger(l.line) || l.line < 0)) p.push('location.line must be a line number');
        }
      }
      obj(r, 'attributes', p);
      break;
    case 'grant':
      str(r, 'identityId', true, p);
      oneOf(r, 'provider', PROVIDERS, true, p);
      str(r, 'resource', true, p);
      str(r, 'role', true, p);
      oneOf(r, 'privilege', PRIVILEGES, true, p);
      str(r, 'via', true, p);
      str(r, 'evidence', false, p);
      obj(r, 'attributes', p);
      break;
    case 'trust':
      str(r, 'identityId', true, p);
      oneOf(r, 'provider', PROVIDERS, true, p);
      str(r, 'principal', true, p);
      oneOf(r, 'principalType', TRUST_PRINCIPAL_TYPES, true, p);
      oneOf(r, 'risk', TRUST_RISKS, false, p);
      str(r, 'condition', false, p);
      obj(r, 'attributes', p);
      break;
    case 'error':
      str(r, 'operation', true, p);
      str(r, 'code', true, p);
      str(r, 'message', true, p);
      break;
    case 'note':
      str(r, 'message', true, p);
      break;
    default:
      p.push(`unknown record type ${JSON.stringify((r as { type?: unknown }).type)}`);
  }
  return p;
}
