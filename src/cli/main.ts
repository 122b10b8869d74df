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
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1 → 2.
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

// Set the exit code and let stdout drain rather than exiting mid-write.
main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT.fatal;
  },
);
