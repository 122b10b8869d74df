// `nhi plan` (build and record the remediation plan), `nhi plan status` (progress of recorded
// steps), `nhi plan check --scan N` (what a written script runs before anything else).
import { Command, Option } from 'commander';
import { ConfigError, EXIT } from '../../errors.js';
import { openOutput } from '../../report/output.js';
import { PLAN_FORMATS, formatPlanCsv, formatPlanJson, formatPlanMarkdown, formatPlanScript, formatPlanTable, formatStatus } from '../../plan/format-plan.js';
import { latestScanId, planStatus, runPlan } from '../../plan/plan-service.js';
import { commandContext, type CommonFlags } from '../context.js';

interface PlanFlags extends CommonFlags {
  format?: string;
  out?: string;
  observeDays?: string;
  json?: boolean;
  scan?: string;
}

function observeDays(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--observe-days must be a whole number of days, got "${v}"`);
  return n;
}

export async function planCommand(flags: PlanFlags): Promise<number> {
  const format = flags.format ?? 'table';
  if (!(PLAN_FORMATS as readonly string[]).includes(format)) throw new ConfigError(`--format must be one of ${PLAN_FORMATS.join(', ')}, got "${format}"`);
  const ctx = commandContext(flags);
  const { plan } = runPlan({ dbPath: ctx.dbPath, config: ctx.config, observeDays: observeDays(flags.observeDays) });
  const text =
    format === 'markdown' ? formatPlanMarkdown(plan)
    : format === 'json' ? formatPlanJson(plan)
    : format === 'csv' ? formatPlanCsv(plan)
    : format === 'sh' ? formatPlanScript(plan, ctx.dbPath)
    : formatPlanTable(plan);
  const out = openOutput(flags.out);
  out.write(text);
  out.end();
  if (flags.out) process.stderr.write(`wrote ${format} plan to ${flags.out}\n`);
  return EXIT.ok;
}

export async function planStatusCommand(flags: PlanFlags): Promise<number> {
  const ctx = commandContext(flags);
  const { scan, steps } = planStatus({ dbPath: ctx.dbPath, config: ctx.config, observeDays: observeDays(flags.observeDays) });
  if (!steps.length && !flags.json) {
    process.stdout.write('No plan recorded yet: run `nhi plan` first.\n');
    return EXIT.ok;
  }
  process.stdout.write(formatStatus(steps, scan, !!flags.json));
  return EXIT.ok;
}

export async function planCheckCommand(flags: PlanFlags): Promise<number> {
  const want = Number(flags.scan);
  const ctx = commandContext(flags);
  const latest = latestScanId(ctx.dbPath);
  if (latest !== want) {
    process.stderr.write(`the inventory changed since this plan was written: its latest scan is #${latest ?? 'none'}, the plan read #${flags.scan}. Run \`nhi plan\` again.\n`);
    return EXIT.fatal;
  }
  return EXIT.ok;
}

/** The `plan` command tree; program.ts adds it with one call. */
export function registerPlanCommands(program: Command, common: (c: Command) => Command, setExit: (code: number) => void): void {
  const plan = common(
    program
      .command('plan')
      .description('remediation plan from the open findings: per identity, grouped by owner, with the provider commands to paste (never run)')
      .addOption(new Option('--format <format>', 'output format').choices([...PLAN_FORMATS]).default('table'))
      .option('--out <file>', 'write to a file instead of stdout')
      .option('--observe-days <n>', 'days a disabled identity or key must stay quiet before it is ready to delete', '30'),
  ).action(async (flags: PlanFlags) => setExit(await planCommand(flags)));
  common(
    plan
      .command('status')
      .description('progress of the recorded steps per owner: not started, observing, ready to delete, investigate, done')
      .option('--observe-days <n>', 'observation window in days', '30')
      .option('--json', 'JSON instead of a table'),
  ).action(async (flags: PlanFlags) => setExit(await planStatusCommand(flags)));
  common(
    plan
      .command('check')
      .description('exit 2 unless the latest scan is --scan N (a written plan script runs this first)')
      .requiredOption('--scan <n>', 'the scan the plan was written from'),
  ).action(async (flags: PlanFlags) => setExit(await planCheckCommand(flags)));
}
