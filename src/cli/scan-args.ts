// `nhi scan [global flags] [PROVIDER [provider flags] [PATH...]]...`
// Flags after a provider name belong to that provider, so each scanner keeps plain
// names (`nhi scan aws --org github --org acme`) without clashing with the others.
import { ConfigError } from '../errors.js';
import { parseDuration } from '../scanners/toolkit/window.js';
import type { AnyScanner, ScannerOption } from '../scanners/contract.js';

export interface GlobalScanFlags {
  db?: string;
  config?: string;
  ignoreFile?: string;
  demo: boolean;
  /** `--demo-day N`: rescan the demo inventory as its estate looks N days after its first scan. */
  demoDay?: number;
  concurrency?: number;
  /** --max-duration: the whole scan's window, in ms. */
  maxDurationMs?: number;
  progress: boolean;
  help: boolean;
}

export interface ScanSegment {
  scanner: AnyScanner;
  flags: Record<string, unknown>;
}

export interface ParsedScanArgs {
  global: GlobalScanFlags;
  segments: ScanSegment[];
}

interface FlagSpec {
  name: string;
  takesValue: boolean;
}

function specOf(opt: ScannerOption): FlagSpec {
  const m = /^--([a-z0-9][a-z0-9-]*)(\s+[<[].*)?$/i.exec(opt.flag.trim());
  if (!m) throw new Error(`scanner option ${opt.key} has a malformed flag "${opt.flag}"`);
  return { name: m[1], takesValue: opt.type !== 'boolean' };
}

/**
 * Targets scanned at once unless --concurrency says otherwise. Providers limit requests per
 * account, project or subscription, so the same requests in flight spread over more targets
 * meet less throttling: AWS reads 8 accounts 2 requests at a time rather than 4 accounts 4 at a
 * time (scanner bench: 13.5 s against 21 s, no throttled answer against about 200).
 */
export const DEFAULT_CONCURRENCY = 8;

export const GLOBAL_SCAN_FLAGS: { flag: string; description: string }[] = [
  { flag: '--db <file>', description: 'inventory file (default ./nhi.db, env NHI_DB)' },
  { flag: '--config <file>', description: 'config file (default ./nhi.config.json when present)' },
  { flag: '--ignore-file <file>', description: 'suppressions file (default ./.nhiignore when present)' },
  { flag: '--demo', description: 'scan the built-in demo estate on local endpoints (no cloud account needed)' },
  { flag: '--demo-day <n>', description: 'with --demo: rescan the demo inventory as it looks N days after its first scan (some plan steps applied)' },
  { flag: '--concurrency <n>', description: `targets scanned at once (default ${DEFAULT_CONCURRENCY})` },
  { flag: '--max-duration <duration>', description: 'end the scan after this long (e.g. 2h, 45m) with a partial result: in-flight requests stop, what was read is kept (exit 3)' },
  { flag: '--no-progress', description: 'no live progress on stderr (plain lines are used anyway when stderr is not a TTY)' },
  { flag: '-h, --help', description: 'this help' },
];

export function parseScanArgs(tokens: string[], scanners: AnyScanner[]): ParsedScanArgs {
  const global: GlobalScanFlags = { demo: false, progress: true, help: false };
  const segments: ScanSegment[] = [];
  let current: ScanSegment | null = null;
  const byName = new Map(scanners.map((s) => [s.name, s]));
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const takeValue = (name: string, inline: string | undefined): string => {
      if (inline !== undefined) return inline;
      const v = tokens[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new ConfigError(`--${name} needs a value`);
      i++;
      return v;
    };
    if (tok === '-h' || tok === '--help') {
      global.help = true;
      continue;
    }
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = eq >= 0 ? tok.slice(2, eq) : tok.slice(2);
      const inline = eq >= 0 ? tok.slice(eq + 1) : undefined;
      switch (name) {
        case 'db':
          global.db = takeValue(name, inline);
          continue;
        case 'config':
          global.config = takeValue(name, inline);
          continue;
        case 'ignore-file':
          global.ignoreFile = takeValue(name, inline);
          continue;
        case 'demo':
          global.demo = true;
          continue;
        case 'demo-day': {
          const n = Number(takeValue(name, inline));
          if (!Number.isInteger(n) || n < 0 || n > 3650) throw new ConfigError('--demo-day must be a whole number of days from 0 to 3650');
          global.demoDay = n;
          continue;
        }
        case 'no-progress':
          global.progress = false;
          continue;
        case 'max-duration':
          // Before a provider name: the whole scan; after it, that provider's own option.
          if (current) break;
          global.maxDurationMs = parseDuration(takeValue(name, inline));
          continue;
        case 'concurrency': {
          const n = Number(takeValue(name, inline));
          if (!Number.isInteger(n) || n < 1 || n > 64) throw new ConfigError('--concurrency must be a whole number from 1 to 64');
          global.concurrency = n;
          continue;
        }
      }
      if (!current) {
        throw new ConfigError(`unknown option --${name}`, `Provider options go after the provider name, e.g. \`nhi scan aws --${name} …\`. See \`nhi scan --help\`.`);
      }
      const seg: ScanSegment = current;
      const negated = name.startsWith('no-') ? name.slice(3) : null;
      const opt = seg.scanner.options.find((o) => specOf(o).name === name) ?? (negated ? seg.scanner.options.find((o) => o.type === 'boolean' && specOf(o).name === negated) : undefined);
      if (!opt) {
        const known = seg.scanner.options.map((o) => o.flag.split(/\s/)[0]).join(', ');
        throw new ConfigError(`unknown option --${name} for ${seg.scanner.name}`, `Options of ${seg.scanner.name}: ${known || '(none)'}.`);
      }
      if (opt.type === 'boolean') {
        seg.flags[opt.key] = negated && specOf(opt).name === negated ? false : inline === undefined ? true : !['false', '0', 'no'].includes(inline);
      } else if (opt.type === 'string[]') {
        const prev = (seg.flags[opt.key] as string[] | undefined) ?? [];
        seg.flags[opt.key] = [...prev, ...takeValue(name, inline).split(',').map((s) => s.trim()).filter(Boolean)];
      } else {
        seg.flags[opt.key] = takeValue(name, inline);
      }
      continue;
    }
    const scanner = byName.get(tok);
    if (scanner) {
      if (segments.some((s) => s.scanner === scanner)) throw new ConfigError(`${tok} is named twice`, 'Name each provider once and put all its options after it.');
      current = { scanner, flags: {} };
      segments.push(current);
      continue;
    }
    if (current?.scanner.positionalOption) {
      const key = current.scanner.positionalOption;
      current.flags[key] = [...((current.flags[key] as string[] | undefined) ?? []), tok];
      continue;
    }
    // `nhi scan AWS` is `nhi scan aws` (after `repo`, the same word is a folder name, handled above).
    const folded = byName.get(tok.toLowerCase());
    if (folded && !segments.some((s) => s.scanner === folded)) {
      current = { scanner: folded, flags: {} };
      segments.push(current);
      continue;
    }
    throw new ConfigError(`unknown provider "${tok}"`, `Providers: ${scanners.map((s) => s.name).join(', ')}.`);
  }
  return { global, segments };
}

export function scanHelp(scanners: AnyScanner[]): string {
  const lines: string[] = [];
  lines.push('Usage: nhi scan [options] [PROVIDER [provider options] [PATH...]]...');
  lines.push('');
  lines.push('Scan providers into the inventory. With no provider named, every configured one runs');
  lines.push('(a section in nhi.config.json, or credentials found in the environment).');
  lines.push('Exit codes: 0 complete, 3 partial (some targets failed: each is listed with the fix), 4 failed (nothing was read: every target failed),');
  lines.push('            2 usage or fatal error, 130 interrupted.');
  lines.push('');
  lines.push('Options:');
  const pad = (s: string) => s.padEnd(30);
  for (const g of GLOBAL_SCAN_FLAGS) lines.push(`  ${pad(g.flag)} ${g.description}`);
  for (const s of scanners) {
    lines.push('');
    lines.push(`${s.name} — ${s.title}${s.positionalOption ? ` (nhi scan ${s.name} [options] PATH...)` : ''}`);
    lines.push(`  ${s.description}`);
    if (s.needs.length) lines.push(`  needs: ${s.needs.join('; ')}`);
    for (const o of s.options) {
      const shown = o.default !== undefined && !o.secret && o.default !== false && !(Array.isArray(o.default) && o.default.length === 0);
      const extra = [o.env?.length ? `env ${o.env.join('/')}` : '', shown ? `default ${JSON.stringify(o.default)}` : ''].filter(Boolean).join(', ');
      lines.push(`  ${pad(o.flag)} ${o.description}${extra ? ` (${extra})` : ''}`);
    }
  }
  lines.push('');
  lines.push('Examples:');
  lines.push('  nhi scan --demo                          # the built-in demo estate, no cloud account needed');
  lines.push('  nhi scan aws --profile audit             # one AWS account with a named profile');
  lines.push('  nhi scan aws --org --assume-role nhi-readonly github --org acme');
  lines.push('  nhi scan repo . --history                # secrets in this repository and its whole history');
  lines.push('  NHI_DB=/tmp/audit.db nhi scan gcp --org 123456789012');
  return lines.join('\n') + '\n';
}
