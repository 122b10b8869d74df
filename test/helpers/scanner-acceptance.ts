// The acceptance check every scanner's tests call: records validate against the model,
// ids are stable across two runs, and no secret value reaches a record or the database.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScanRecord } from '../../src/model/records.js';
import { validateRecord } from '../../src/model/validate.js';
import { defaultConfig, type ResolvedConfig } from '../../src/config/config.js';
import { createProtector } from '../../src/secrets/protect.js';
import { runPipeline, type ScanError } from '../../src/scan/pipeline.js';
import { runScan, type ScanSummary } from '../../src/scan/scan-service.js';
import type { AnyScanner } from '../../src/scanners/contract.js';
import { openInventory } from '../../src/inventory/db.js';
import { SELECT, hydrate, type StoredFinding } from '../../src/inventory/rows.js';

export interface CollectInput {
  scanner: AnyScanner;
  options: unknown;
  env?: Record<string, string | undefined>;
  config?: ResolvedConfig;
  now?: Date;
  concurrency?: number;
}

export interface Collected {
  records: ScanRecord[];
  errors: ScanError[];
  notes: ScanError[];
  completedTargets: string[];
  targets: { key: string; state: string; apiCalls: number; retries: number }[];
}

/** Run a scanner through the real pipeline and collect what it yields (no database). */
export async function collect(input: CollectInput): Promise<Collected> {
  const records: ScanRecord[] = [];
  const errors: ScanError[] = [];
  const notes: ScanError[] = [];
  const res = await runPipeline(
    {
      runs: [{ scanner: input.scanner, options: input.options }],
      config: input.config ?? defaultConfig(),
      env: input.env ?? {},
      secrets: createProtector(Buffer.alloc(32, 7)),
      concurrency: input.concurrency ?? 4,
      signal: new AbortController().signal,
      now: input.now ?? new Date(),
    },
    {
      record: (r) => {
        records.push(r);
      },
      error: (e) => (e.level === 'error' ? errors : notes).push(e),
    },
  );
  return {
    records,
    errors,
    notes,
    completedTargets: res.completedTargets,
    targets: res.targets.map((t) => ({ key: t.targetKey, state: t.state, apiCalls: t.apiCalls, retries: t.retries })),
  };
}

function ids(records: ScanRecord[]): string[] {
  return records
    .map((r) => {
      switch (r.type) {
        case 'identity':
        case 'credential':
          return `${r.type}:${r.id}`;
        case 'grant':
          return `grant:${r.identityId}|${r.resource}|${r.role}|${r.via}`;
        case 'trust':
          return `trust:${r.identityId}|${r.principal}|${r.condition ?? ''}`;
        default:
          return '';
      }
    })
    .filter(Boolean)
    .sort();
}

export interface AcceptanceInput extends CollectInput {
  /** Secret values the fixtures contain; none may appear in a record, the database or its WAL. */
  secrets?: string[];
}

export interface AcceptanceResult extends Collected {
  summary: ScanSummary;
  findings: StoredFinding[];
  dbPath: string;
  cleanup(): void;
}

export async function assertScannerAcceptance(input: AcceptanceInput): Promise<AcceptanceResult> {
  const first = await collect(input);
  for (const r of first.records) assert.deepEqual(validateRecord(r), [], `invalid record ${JSON.stringify(r).slice(0, 300)}`);
  assert.equal(first.errors.filter((e) => e.code === 'invalid-record').length, 0, 'scanner yielded malformed records');
  const second = await collect(input);
  assert.deepEqual(ids(second.records), ids(first.records), 'record ids must be stable across two runs');
  const secrets = (input.secrets ?? []).filter((s) => s.length >= 8);
  const text = JSON.stringify(first.records) + JSON.stringify(first.errors) + JSON.stringify(first.notes);
  for (const s of secrets) assert.ok(!text.includes(s), `a secret value (${s.slice(0, 4)}…) reached a record`);

  const dir = mkdtempSync(join(tmpdir(), 'nhi-acceptance-'));
  const dbPath = join(dir, 'nhi.db');
  const summary = await runScan({
    dbPath,
    runs: [{ scanner: input.scanner, options: input.options }],
    config: input.config ?? defaultConfig(),
    env: { ...(input.env ?? {}), NHI_HASH_KEY: undefined },
    concurrency: input.concurrency ?? 4,
    signal: new AbortController().signal,
    now: input.now,
  });
  for (const f of [dbPath, `${dbPath}-wal`]) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    for (const s of secrets) assert.ok(!bytes.includes(Buffer.from(s, 'utf8')), `a secret value (${s.slice(0, 4)}…) reached ${f}`);
  }
  const inv = openInventory(dbPath, { readonly: true });
  const findings = (inv.db.prepare(`SELECT ${SELECT.findings} FROM findings WHERE resolved_scan IS NULL`).all() as Record<string, unknown>[]).map((r) =>
    hydrate<StoredFinding>('findings', r),
  );
  inv.close();
  return { ...first, summary, findings, dbPath, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
