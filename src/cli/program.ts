// The command tree. Each action parses flags and calls a command function that returns
// an exit code; main.ts turns thrown errors into messages with hints.
import { Command, Option } from 'commander';
import { VERSION } from '../version.js';
import { collect } from './context.js';
import { REPORT_FORMAT_NAMES, runReportCommand } from './commands/report.js';
import { CREDENTIAL_STATUS_CHOICES, providerParser, choiceListParser, choiceParser, severityParser } from './choices.js';
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
    .option('--provider <name>', 'only this provider: aws, azure, gcp, github, repo… (repeatable, or comma-separated; checked against the inventory)', providerParser('--provider'))
    .option('--rule <id>', 'only this rule (repeatable; see `nhi rules`)', collect)
    .option('--severity <level>', 'only findings at or above: critical, high, medium, low, info', severityParser('--severity'));
}

export const EXIT_CODES_HELP =
  'Exit codes: 0 ok · 1 findings at or above --fail-on · 2 usage error or unusable input · 3 partial scan (some targets unread)\n' +
  '            4 scan failed (nothing was read) · 130 interrupted';

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
    // Set before the commands are added so every subcommand inherits them: usage errors then
    // reach main.ts (exit 2) instead of commander exiting 1, the code --fail-on uses.
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText(
      'after',
      `
Start here:
  nhi scan --demo                      scan a built-in multi-cloud demo estate (no account needed) and print the report
  nhi scan aws github --org acme       scan for real (see \`nhi scan --help\` for every provider's options)
  nhi report --fail-on high --require-complete
                                       CI gate: fail on an open high/critical finding, or when the latest scan did not read everything
  nhi report --format sarif > nhi.sarif

${EXIT_CODES_HELP}`,
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
        .addOption(new Option('--format <format>', `output format: ${REPORT_FORMAT_NAMES.join(', ')}`).argParser(choiceParser('--format', { what: 'report format', values: REPORT_FORMAT_NAMES })).default('table'))
        .option('--as-of <date>', 're-evaluate every rule against this date (reproduce an audit)')
        .option('--fail-on <severity>', 'exit 1 when an open finding at or above this severity exists', severityParser('--fail-on'))
        .option('--require-complete', 'exit 3 when the latest scan is partial, 4 when it failed, was interrupted or there is none (CI: never pass when nhi did not look)')
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
        .addOption(new Option('--format <format>', `output format: ${EXPORT_FORMATS.join(', ')}`).argParser(choiceParser('--format', { what: 'export format', values: EXPORT_FORMATS })).default('json'))
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
        .option('--owner <owner>', 'only this owner, declared or suggested by audit logs or git; `none` for no declared owner')
        .option('--search <text>', 'id or name contains')
        .option('--status <status>', `credentials: ${CREDENTIAL_STATUS_CHOICES.values.join(', ')} (repeatable)`, choiceListParser('--status', CREDENTIAL_STATUS_CHOICES))
        .option('--identity <id>', 'credentials/findings of one identity (id, or a name that matches one)')
        .option('--include-gone', 'include identities and credentials gone from the latest scan')
        .option('--limit <n>', 'rows to show, after the filters (table default 100; --json lists all unless given)')
        .option('--json', 'JSON instead of a table (every matching row)'),
    ),
  ).action(async (what: string, flags) => setExit(await lsCommand(what, flags)));

  common(
    program
      .command('show')
      .description('one identity (credentials, grants, who can become it, findings, history), credential or finding')
      .argument('<ref>', 'an id, an id fragment, an exact name, or part of a name that matches one identity')
      .option('--json', 'JSON instead of text'),
  ).action(async (id: string, flags) => setExit(await showCommand(id, flags)));

  common(
    program
      .command('paths')
      .description('the chains by which an identity, key or repository becomes others: to admin, to production, or to one identity')
      .argument('<from>', 'an identity (id, name or part of it), a credential id, or an outside node ext:<type>:<value>')
      .option('--to <target>', '`admin`, `prod` (write or admin in production), or an identity (default: admin and prod)')
      .option('--max-depth <n>', 'longest chain followed (default: reach.maxDepth in the config, 6)')
      .option('--json', 'JSON instead of text'),
  ).action(async (from: string, flags) => setExit(await (await import('./commands/paths.js')).pathsCommand(from, flags)));

  common(program.command('ui').description('explore the inventory interactively: identities, credentials, findings, details and chains (needs a terminal)')).action(async (flags) => setExit(await (await import('./commands/ui.js')).uiCommand(flags)));

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

  common(
    program
      .command('rules')
      .description('every rule with its severity, OWASP NHI mapping, risk and remediation')
      .option('--json', 'JSON instead of text'),
  ).action(async (flags) => setExit(await rulesCommand(flags)));

  registerPlanCommands(program, common, setExit);
  registerBaselineCommands(program, common, setExit);
  return program;
}
