// Entry point: run the command, turn errors into a message with a hint, exit with a code CI can use.
import { CommanderError } from 'commander';
import { EXIT, NhiError } from '../errors.js';
import { explainSqliteError } from '../inventory/db.js';
import { buildProgram } from './program.js';

// nhi pins AWS SDK versions that support Node 20; the SDK's notice is about future releases we
// do not install, and printed mid-scan it would tear the live progress display.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(helpAsFlag(argv));
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; every usage error (unknown option, bad
      // choice, missing argument) exits 2, never 1, which --fail-on reserves for findings.
      return err.exitCode === 0 ? EXIT.ok : EXIT.fatal;
    }
    const known = err instanceof NhiError ? err : explainSqliteError(err, process.env.NHI_DB ?? './nhi.db');
    if (known) {
      process.stderr.write(`nhi: ${known.message}\n`);
      if (known.hint) process.stderr.write(`  → ${known.hint}\n`);
      return known.exitCode;
    }
    process.stderr.write(`nhi: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.stderr.write('  → This is a bug in nhi; please report it with the command you ran.\n');
    return EXIT.fatal;
  }
}

/** `nhi help scan` is `nhi scan --help`: the scan command prints its own help, with every provider's options. */
export function helpAsFlag(argv: string[]): string[] {
  const [node, script, first, second, ...rest] = argv;
  if (first === 'help' && second && !second.startsWith('-')) return [node, script, second, '--help', ...rest];
  return argv;
}

// A reader that stops early (`| head`): end as a tool stopped by SIGPIPE does, quietly and with
// 141, never 0 (a gate in a pipeline with pipefail must not read an unfinished report as clean).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(128 + 13);
});

// Set the exit code and let stdout drain rather than exiting mid-write.
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT.fatal;
  },
);
