// The command tree. Each action parses flags and calls a command function that returns
// an exit code; main.ts turns thrown errors into messages with hints.
import { Command, Option } from 'commander';
import { VERSION } from '../version.js';
import { collect } from './context.js';
import { REPORT_FORMATS, runReportCommand } from './commands/report.js';
import { EXPORT_FORMATS, EXPORT_KINDS, exportCommand } from './commands/export.js';
import { LS_KINDS, diffCommand, lsCommand, rulesCommand, scansCommand, showCommand } from './commands/browse.js';
import { registerPlanCommands } from './commands/plan.js';
import { registerBaselineCommands } from './commands/baseline.js';

export type ExitSink = (code: number) => void;

function common(cmd: Command): Command {
  return cmd
    .option('--db <file>', 'inventory file (default ./nhi.db, env NHI_DB)')
    .option('--config <file>', 'config file (default ./nhi.config.json when present)')
    .option('--ignore-file <file>', 'suppressions file (default ./.nhiignore when present)');
}

function findingFilters(cmd: Command): Command {
  return cmd
    .option('--provider <name>', 'only this provider (repeatable, or comma-separated)', collect)
    .option('--rule <id>', 'only this rule (repeatable; see `nhi rules`)', collect)
    .option('--severity <level>', 'only findings at or above: critical, high, medium, low, info');
}

export function buildProgram(setExit: ExitSink): Command {
  const program = new Command('nhi')
    .description(
      'Find every non-human identity (IAM users and roles, keys, service principals, service accounts, GitHub apps and tokens,\n' +
        'CI secrets, hard-coded secrets) across AWS, Azure, GCP, GitHub and git repositories, keep them in one SQLite\n' +
        'inventory, and flag the risky ones (OWASP Non-Human Identities Top 10).',
    )
    .version(VERSION, '-V, --version')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Start here:
  nhi scan --demo                      scan a built-in multi-cloud demo estate (no account needed) and print the report
  nhi scan aws github --org acme       scan for real (see \`nhi scan --help\` for every provider's options)
  nhi report --fail-on high            CI gate: exit 1 when an open high/critical finding exists
  nhi report --format sarif > nhi.sarif

Exit codes: 0 ok · 1 findings at or above --fail-on · 2 error (bad input, unreadable inventory) · 3 partial scan · 130 interrupted`,
    );

  program
    .command('scan')
    .description('scan providers into the inventory (`nhi scan --help` lists every provider and its options)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .argument('[args...]')
    // Loaded on use: the scan command pulls in every provider's SDK, which the other commands never need.
    .action(async (args: string[]) => setExit(await (await import('./commands/scan.js')).scanCommand(args)));

  findingFilters(
    common(
      program
        .command('report')
        .description('summary of the inventory and its findings, riskiest identities first')
        .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('table'))
        .option('--as-of <date>', 're-evaluate every rule against this date (reproduce an audit)')
        .option('--fail-on <severity>', 'exit 1 when an open finding at or above this severity exists')
        .option('--out <file>', 'write to a file instead of stdout')
        .option('--limit <n>', 'findings listed by table/markdown formats', '25')
        .option('--include-suppressed', 'include suppressed findings (json, csv, sarif) marked as such')
        .option('--baseline <file>', 'with --fail-on: fail only on findings not in this SARIF/JSON report or `nhi baseline write` file')
        .option('--since-scan <n>', 'with --fail-on: fail only on findings new since scan N'),
    ),
  ).action(async (flags) => setExit(await runReportCommand(flags)));

  findingFilters(
    common(
      program
        .command('export')
        .description(`export ${EXPORT_KINDS.join(', ')} for other tools`)
        .argument('<what>', EXPORT_KINDS.join('|'))
        .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).default('json'))
        .option('--out <file>', 'write to a file instead of stdout')
        .option('--kind <kind>', 'identities/credentials of this kind (repeatable)', collect)
        .option('--as-of <date>', 'findings: re-evaluate against this date')
        .option('--include-gone', 'identities/credentials: include those gone from the latest scan')
        .option('--include-suppressed', 'findings: include suppressed ones'),
    ),
  ).action(async (what: string, flags) => setExit(await exportCommand(what, flags)));

  findingFilters(
    common(
      program
        .command('ls')
        .description(`list ${LS_KINDS.join(', ')} with filters`)
        .argument('<what>', LS_KINDS.join('|'))
        .option('--kind <kind>', 'only this kind (repeatable)', collect)
        .option('--owner <owner>', 'only this owner; `none` for unowned')
        .option('--search <text>', 'id or name contains')
        .option('--status <status>', 'credentials: active, inactive, expired (repeatable)', collect)
        .option('--identity <id>', 'credentials/findings of one identity')
        .option('--include-gone', 'include identities and credentials gone from the latest scan')
        .option('--limit <n>', 'rows to show', '100')
        .option('--json', 'JSON instead of a table'),
    ),
  ).action(async (what: string, flags) => setExit(await lsCommand(what, flags)));

  common(
    program
      .command('show')
      .description('one identity: credentials, grants, who can become it, findings, history')
      .argument('<id>', 'identity id, or a name that matches one identity')
      .option('--json', 'JSON instead of text'),
  ).action(async (id: string, flags) => setExit(await showCommand(id, flags)));

  common(
    program
      .command('scans')
      .description('scan history')
      .option('--limit <n>', 'scans to show', '50')
      .option('--errors <scan>', 'the errors and notes of one scan')
      .option('--json', 'JSON instead of a table'),
  ).action(async (flags) => setExit(await scansCommand(flags)));

  common(
    program
      .command('diff')
      .description('what appeared, disappeared or changed between two scans (default: the last two)')
      .option('--from <scan>', 'older scan number')
      .option('--to <scan>', 'newer scan number')
      .option('--json', 'JSON instead of text'),
  ).action(async (flags) => setExit(await diffCommand(flags)));

  program
    .command('rules')
    .description('every rule with its severity, OWASP NHI mapping, risk and remediation')
    .option('--json', 'JSON instead of text')
    .action(async (flags) => setExit(await rulesCommand(flags)));

  registerPlanCommands(program, common, setExit);
  registerBaselineCommands(program, common, setExit);
  return program;
}
