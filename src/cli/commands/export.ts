// `nhi export findings|identities|credentials --format json|ndjson|csv [--out FILE]`
import { ConfigError, EXIT } from '../../errors.js';
import { openInventory } from '../../inventory/db.js';
import { openOutput, type Output } from '../../report/output.js';
import { openReport, parseSeverity } from '../../report/report-service.js';
import { publicFinding } from '../../report/formats/json.js';
import { ocsfContext, writeOcsf } from '../../report/formats/ocsf.js';
import { writeCsv, type CsvColumn } from '../../report/formats/csv.js';
import { CREDENTIAL_CSV, FINDING_CSV, IDENTITY_CSV } from '../../report/columns.js';
import { listCredentials, listIdentities } from '../../inventory/browse-queries.js';
import { CREDENTIAL_KIND_CHOICES, checkChoices, providerNames } from '../choices.js';
import { checkProviders, identityKinds } from '../../inventory/browse-queries.js';
import { commandContext, list, parseDate } from '../context.js';

export const EXPORT_KINDS = ['findings', 'identities', 'credentials'] as const;
export const EXPORT_FORMATS = ['json', 'ndjson', 'csv', 'ocsf'] as const;

export interface ExportFlags {
  db?: string;
  config?: string;
  ignoreFile?: string;
  format?: string;
  out?: string;
  provider?: string[];
  rule?: string[];
  severity?: string;
  kind?: string[];
  asOf?: string;
  includeGone?: boolean;
  includeSuppressed?: boolean;
}

function writeRows<T>(out: Output, format: string, rows: Iterable<T>, csv: CsvColumn<T>[], toJson: (r: T) => unknown = (r) => r): void {
  if (format === 'csv') return writeCsv(out, rows, csv);
  if (format === 'ndjson') {
    for (const r of rows) out.write(JSON.stringify(toJson(r)) + '\n');
    return;
  }
  out.write('[');
  let first = true;
  for (const r of rows) {
    out.write((first ? '\n  ' : ',\n  ') + JSON.stringify(toJson(r)));
    first = false;
  }
  out.write(first ? ']\n' : '\n]\n');
}

export async function exportCommand(what: string, flags: ExportFlags): Promise<number> {
  if (!(EXPORT_KINDS as readonly string[]).includes(what)) throw new ConfigError(`nothing called "${what}" to export`, `Export one of: ${EXPORT_KINDS.join(', ')}.`);
  const format = flags.format ?? 'json';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new ConfigError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${format}"`);
  // OCSF describes findings; identities and credentials have no OCSF event of their own here.
  if (format === 'ocsf' && what !== 'findings') throw new ConfigError(`--format ocsf exports findings only, not ${what}`, 'Use `nhi export findings --format ocsf`, or json, ndjson or csv for identities and credentials.');
  const ctx = commandContext(flags);
  const provider = providerNames('--provider', list(flags.provider));
  const out = openOutput(flags.out);
  let n = 0;
  const count = function* <T>(rows: Iterable<T>): Generator<T> {
    for (const r of rows) {
      n++;
      yield r;
    }
  };
  try {
    if (what === 'findings') {
      const report = openReport({
        dbPath: ctx.dbPath,
        config: ctx.config,
        asOf: parseDate(flags.asOf, '--as-of'),
        filters: { provider, rule: list(flags.rule)?.map((r) => r.toLowerCase()), severity: parseSeverity(flags.severity, '--severity') },
      });
      try {
        const findings = count(report.findings({ includeSuppressed: flags.includeSuppressed }));
        if (format === 'ocsf') writeOcsf(out, findings, ocsfContext(report.asOf.toISOString(), report.inv.db));
        else writeRows(out, format, findings, FINDING_CSV, publicFinding);
      } finally {
        report.close();
      }
    } else {
      const inv = openInventory(ctx.dbPath, { readonly: true });
      try {
        checkProviders(inv.db, '--provider', provider);
        if (what === 'identities') {
          const kind = checkChoices('--kind', list(flags.kind), { what: 'identity kind in this inventory', values: identityKinds(inv.db) });
          writeRows(out, format, count(listIdentities(inv.db, { provider, kind, includeGone: flags.includeGone })), IDENTITY_CSV);
        } else {
          const kind = checkChoices('--kind', list(flags.kind), CREDENTIAL_KIND_CHOICES);
          writeRows(out, format, count(listCredentials(inv.db, { provider, kind, includeGone: flags.includeGone })), CREDENTIAL_CSV);
        }
      } finally {
        inv.close();
      }
    }
    out.end();
  } catch (err) {
    out.abort();
    throw err;
  }
  if (flags.out) process.stderr.write(`exported ${n} ${what} to ${flags.out}\n`);
  return EXIT.ok;
}
