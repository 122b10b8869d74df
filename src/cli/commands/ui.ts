// `nhi ui [--db path]`: the interactive explorer (src/ui/explorer). It needs a terminal on both
// ends; scripts and pipes get the same data from `nhi ls` and `nhi show`.
import { relative } from 'node:path';
import { EXIT, NhiError } from '../../errors.js';
import { commandContext, type CommonFlags } from '../context.js';

export async function uiCommand(flags: CommonFlags, io: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream } = process): Promise<number> {
  if (!io.stdout.isTTY || !io.stdin.isTTY) {
    throw new NhiError(`nhi ui needs an interactive terminal (${!io.stdout.isTTY ? 'stdout' : 'stdin'} is not one)`, {
      hint: 'In scripts and pipes use `nhi ls identities|credentials|findings` and `nhi show <id>` (add --json for programs).',
    });
  }
  const ctx = commandContext(flags);
  // Loaded on use: ink and React are needed by this command only.
  const { openExplorerData } = await import('../../ui/explorer/explorer-data.js');
  const { runExplorer } = await import('../../ui/explorer/run-explorer.js');
  const data = openExplorerData(ctx.dbPath, ctx.config);
  try {
    // The header names the inventory as the user would type it from here.
    await runExplorer(data, relative(process.cwd(), ctx.dbPath) || ctx.dbPath, io);
  } finally {
    data.close();
  }
  return EXIT.ok;
}
