// `nhi scan`: resolve scanners and their options, run the scan service with live progress,
// print a one-screen summary, exit 0 / 3 partial / 4 nothing read / 2 / 130.
import { loadCheckedConfig } from '../context.js';
import { resolveDbPath } from '../../inventory/db.js';
import { ConfigError, EXIT } from '../../errors.js';
import { SCANNERS } from '../../scanners/registry.js';
import { resolveScannerOptions } from '../../scan/options.js';
import { runScan, type ScanSummary } from '../../scan/scan-service.js';
import type { ScannerRun } from '../../scan/pipeline.js';
import { startDemo } from '../../demo/demo.js';
import { DEMO_ENVIRONMENTS } from '../../demo/estate.js';
import type { EnvironmentConfig } from '../../reach/environment.js';
import { demoDayZero, discardDemoInventory, installDemoInventory, prepareDemoInventory } from '../../inventory/demo-inventory.js';
import { trackAfterScan } from '../../plan/plan-service.js';
import { plainScanProgress, renderScanProgress, type ProgressView } from '../../ui/scan-progress.js';
import { inert, inertText, renderTable } from '../../report/text-table.js';
import { DEFAULT_CONCURRENCY, parseScanArgs, scanHelp } from '../scan-args.js';
import { runReportCommand } from './report.js';

export async function scanCommand(tokens: string[]): Promise<number> {
  const args = parseScanArgs(tokens, SCANNERS);
  if (args.global.help) {
    process.stdout.write(scanHelp(SCANNERS));
    return EXIT.ok;
  }
  const config = loadCheckedConfig(args.global.config, args.global.ignoreFile);
  // The demo estate says which of its accounts and projects are production (unless the config does).
  if (args.global.demo && Object.keys(config.environments).length === 0) config.environments = structuredClone(DEMO_ENVIRONMENTS) as EnvironmentConfig;
  const env = { ...process.env };
  const dbPath = resolveDbPath(args.global.db, env);
  // The demo scans into a file beside the inventory and replaces it only when the scan finished.
  let scanPath = dbPath;
  let now = new Date();
  const named = args.segments.map((s) => s.scanner);
  let demo = null;
  if (args.global.demo) {
    const chosen = named.length ? named : SCANNERS.filter((s) => s.demo);
    if (chosen.length === 0) throw new ConfigError('no scanner has a demo part yet');
    // --demo-day N rescans the demo inventory in place, its estate as it looks N days after day 0.
    const day0 = args.global.demoDay ? demoDayZero(dbPath) : now;
    if (args.global.demoDay) now = new Date(day0.getTime() + args.global.demoDay * 86_400_000);
    else scanPath = prepareDemoInventory(dbPath);
    demo = await startDemo(chosen, day0, args.global.demoDay ?? 0);
  }
  try {
    const runs: ScannerRun[] = [];
    const candidates = demo ? [...demo.options.keys()].map((n) => SCANNERS.find((s) => s.name === n)!) : named.length ? named : SCANNERS;
    for (const scanner of candidates) {
      const seg = args.segments.find((s) => s.scanner === scanner);
      const section = config.scanners[scanner.name];
      const options = resolveScannerOptions(scanner, {
        flags: { ...(demo?.options.get(scanner.name) ?? {}), ...(seg?.flags ?? {}) },
        env: demo ? {} : env,
        section: demo ? undefined : section,
      });
      if (!demo && !seg && !scanner.isConfigured(options, env, section !== undefined)) continue;
      runs.push({ scanner, options });
    }
    if (runs.length === 0) {
      throw new ConfigError(
        'no scanner is configured',
        `Name one (\`nhi scan aws\`, \`nhi scan repo .\`), add a "scanners" section to nhi.config.json, or try the demo: \`nhi scan --demo\`. Providers: ${SCANNERS.map((s) => s.name).join(', ')}.`,
      );
    }
    const view: ProgressView = args.global.progress && process.stderr.isTTY && !process.env.CI ? renderScanProgress() : plainScanProgress();
    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        process.stderr.write('\nstopping… the scan is discarded and earlier scans stay intact (Ctrl-C again to quit at once)\n');
        controller.abort();
      } else process.exit(130);
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    let summary: ScanSummary;
    try {
      summary = await runScan({
        dbPath: scanPath,
        runs,
        config,
        env,
        concurrency: args.global.concurrency ?? DEFAULT_CONCURRENCY,
        maxDurationMs: args.global.maxDurationMs,
        signal: controller.signal,
        now,
        listener: view.listener,
        demo: demo !== null,
      });
    } catch (err) {
      if (demo && scanPath !== dbPath) discardDemoInventory(scanPath);
      throw err;
    } finally {
      view.stop();
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
    if (summary.status !== 'interrupted') trackAfterScan(scanPath);
    if (demo && scanPath !== dbPath) {
      if (summary.status === 'interrupted') discardDemoInventory(scanPath);
      else installDemoInventory(scanPath, dbPath);
      summary = { ...summary, dbPath };
    }
    process.stdout.write(formatScanSummary(summary));
    if (demo && summary.status !== 'interrupted') {
      process.stdout.write('\n');
      await runReportCommand({ db: dbPath, format: 'table', limit: '15' }, { quietHint: true });
      process.stdout.write(`\nThe demo inventory is ${dbPath}. Try: nhi report --format sarif · nhi ls identities --provider aws · nhi show ${'ci-deployer'}\n`);
    }
    return scanExitCode(summary);
  } finally {
    await demo?.stop();
  }
}

/** True when no target was read at all (discovery steps do not count: they list targets, they read none). */
export function nothingRead(s: ScanSummary): boolean {
  if (s.status === 'failed') return true;
  return !s.targets.some((t) => !t.targetKey.endsWith(':discovery') && (t.state === 'complete' || t.state === 'partial'));
}

export function scanExitCode(s: ScanSummary): number {
  if (s.status === 'interrupted' || s.interruptedWhileCommitting) return 130;
  if (s.status === 'complete') return EXIT.ok;
  return nothingRead(s) ? EXIT.scanFailed : EXIT.partial;
}

export function formatScanSummary(s: ScanSummary): string {
  const out: string[] = [];
  const secs = (s.durationMs / 1000).toFixed(1);
  const failed = s.status !== 'interrupted' && s.status !== 'complete' && nothingRead(s);
  out.push(`scan #${s.scanId} ${failed ? 'failed' : s.status} in ${secs}s → ${inert(s.dbPath)}`);
  const targets = s.targets.filter((t) => !t.targetKey.endsWith(':discovery') || t.state === 'failed');
  if (targets.length) {
    out.push(
      renderTable(targets, [
        { header: 'scanner', get: (t) => t.scanner },
        { header: 'target', get: (t) => t.label, max: 40 },
        { header: 'status', get: (t) => t.state },
        { header: 'records', get: (t) => t.found, align: 'right' },
        { header: 'api calls', get: (t) => t.apiCalls, align: 'right' },
        { header: 'retries', get: (t) => t.retries, align: 'right' },
        { header: 'errors', get: (t) => t.errors, align: 'right' },
      ]).trimEnd(),
    );
  }
  if (s.counts) {
    const c = s.counts;
    out.push(
      `inventory: ${c.identities} identities, ${c.credentials} credentials, ${c.grants} grants, ${c.trusts} trust edges seen; ` +
        `${c.changed} changed, ${c.gone} gone since the last scan`,
    );
    out.push(`findings: ${c.findingsOpen} open (${c.findingsNew} new, ${c.findingsResolved} resolved) — \`nhi report\` for the details`);
  }
  if (s.status === 'interrupted') out.push('the scan was interrupted: nothing was merged; the previous snapshot is unchanged');
  if (s.interruptedWhileCommitting) out.push(`interrupted while committing: scan #${s.scanId} was already being written in one transaction, so it was committed whole (exit 130)`);
  if (failed) out.push('scan failed: nothing was read (every target failed); earlier snapshots are kept — fix the errors below and scan again');
  if (s.errors.length) {
    out.push('');
    out.push(`${s.errors.length} target(s)/endpoint(s) could not be read:`);
    for (const e of s.errors.slice(0, 20)) {
      out.push(`  ✖ ${inert(e.scanner)} ${inert(e.targetKey)} — ${inert(e.operation)}: ${inert(e.code ?? 'error')}: ${inert(e.message)}`);
      if (e.fix) out.push(`      fix: ${inert(e.fix)}`);
    }
    if (s.errors.length > 20) out.push(`  … ${s.errors.length - 20} more: nhi scans --errors ${s.scanId}`);
  }
  if (s.notes.length) {
    out.push('');
    out.push('notes:');
    for (const n of s.notes.slice(0, 10)) out.push(`  · ${inert(n.scanner)} ${inert(n.targetKey)}: ${inert(n.message)}`);
    if (s.notes.length > 10) out.push(`  … ${s.notes.length - 10} more: nhi scans --errors ${s.scanId}`);
  }
  return inertText(out.join('\n')) + '\n';
}
