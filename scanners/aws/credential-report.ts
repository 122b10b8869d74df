// The IAM credential report: password, MFA and access-key facts for every user in one CSV.
// Generate, wait (bounded), fetch; the caller falls back to per-user calls when it is denied
// or not ready in time.
import { sleep } from '../../src/scanners/toolkit/index.js';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, type IAMClient } from '@aws-sdk/client-iam';
import { errorInfo, isAccessDenied } from './clients.js';

export interface ReportKey {
  active: boolean;
  /** When the key was created or last rotated (the report's access_key_N_last_rotated). */
  lastRotated: string | null;
  lastUsed: string | null;
  lastUsedRegion: string | null;
  lastUsedService: string | null;
}

export interface ReportRow {
  user: string;
  arn: string;
  userCreationTime: string | null;
  passwordEnabled: boolean;
  passwordLastUsed: string | null;
  /** password_last_used is `no_information`: the password has not been used since IAM began tracking. */
  passwordNoInformation: boolean;
  mfaActive: boolean;
  keys: [ReportKey, ReportKey];
  certsActive: number;
}

/** Split one CSV line (the report quotes nothing in practice, but tolerate quotes). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** A report date, or null for N/A, no_information, not_supported and the like. */
function date(v: string | undefined): string | null {
  if (!v || !/^\d{4}-\d{2}-\d{2}T/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export function parseCredentialReport(csv: string): Map<string, ReportRow> {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = new Map<string, ReportRow>();
  if (lines.length === 0) return rows;
  const header = splitCsv(lines[0] as string).map((h) => h.trim());
  const col = (cells: string[], name: string) => {
    const i = header.indexOf(name);
    return i >= 0 ? cells[i]?.trim() : undefined;
  };
  for (const line of lines.slice(1)) {
    const c = splitCsv(line);
    const user = col(c, 'user');
    if (!user) continue;
    const key = (n: 1 | 2): ReportKey => {
      const region = col(c, `access_key_${n}_last_used_region`);
      const service = col(c, `access_key_${n}_last_used_service`);
      return {
        active: col(c, `access_key_${n}_active`) === 'true',
        lastRotated: date(col(c, `access_key_${n}_last_rotated`)),
        lastUsed: date(col(c, `access_key_${n}_last_used_date`)),
        lastUsedRegion: region && region !== 'N/A' ? region : null,
        lastUsedService: service && service !== 'N/A' ? service : null,
      };
    };
    rows.set(user, {
      user,
      arn: col(c, 'arn') ?? '',
      userCreationTime: date(col(c, 'user_creation_time')),
      passwordEnabled: col(c, 'password_enabled') === 'true',
      passwordLastUsed: date(col(c, 'password_last_used')),
      passwordNoInformation: col(c, 'password_last_used') === 'no_information',
      mfaActive: col(c, 'mfa_active') === 'true',
      keys: [key(1), key(2)],
      certsActive: (col(c, 'cert_1_active') === 'true' ? 1 : 0) + (col(c, 'cert_2_active') === 'true' ? 1 : 0),
    });
  }
  return rows;
}

export type ReportOutcome =
  | { ok: true; rows: Map<string, ReportRow>; generatedAt: string | null }
  | { ok: false; reason: 'denied' | 'timeout' | 'error'; message: string; permission?: string };

/** Ask IAM to (re)generate the report; returns the state or a failure. */
export async function startReport(iam: IAMClient, signal: AbortSignal): Promise<{ state: string } | Extract<ReportOutcome, { ok: false }>> {
  try {
    const r = await iam.send(new GenerateCredentialReportCommand({}), { abortSignal: signal });
    return { state: r.State ?? 'STARTED' };
  } catch (err) {
    if (signal.aborted) throw err;
    const { code, message } = errorInfo(err);
    if (isAccessDenied(err)) return { ok: false, reason: 'denied', message: `${code}: ${message}`, permission: 'iam:GenerateCredentialReport' };
    return { ok: false, reason: 'error', message: `${code}: ${message}` };
  }
}

/** Wait for the report (polling GenerateCredentialReport within the bound), then fetch and parse it. */
export async function fetchReport(iam: IAMClient, initialState: string, opts: { waitMs: number; pollMs: number; signal: AbortSignal }): Promise<ReportOutcome> {
  const deadline = Date.now() + opts.waitMs;
  let state = initialState;
  while (state !== 'COMPLETE') {
    if (Date.now() + opts.pollMs > deadline) return { ok: false, reason: 'timeout', message: `the credential report was still ${state} after ${Math.round(opts.waitMs / 1000)} s` };
    await sleep(opts.pollMs, opts.signal);
    const s = await startReport(iam, opts.signal);
    if ('ok' in s) return s;
    state = s.state;
  }
  try {
    const r = await iam.send(new GetCredentialReportCommand({}), { abortSignal: opts.signal });
    const content = r.Content ? Buffer.from(r.Content).toString('utf8') : '';
    return { ok: true, rows: parseCredentialReport(content), generatedAt: r.GeneratedTime ? r.GeneratedTime.toISOString() : null };
  } catch (err) {
    if (opts.signal.aborted) throw err;
    const { code, message } = errorInfo(err);
    if (isAccessDenied(err)) return { ok: false, reason: 'denied', message: `${code}: ${message}`, permission: 'iam:GetCredentialReport' };
    if (/ReportInProgress|ReportNotPresent|ReportExpired/i.test(code)) return { ok: false, reason: 'timeout', message: `${code}: ${message}` };
    return { ok: false, reason: 'error', message: `${code}: ${message}` };
  }
}
