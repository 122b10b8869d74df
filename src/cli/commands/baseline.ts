// `nhi baseline write FILE`: the findings open now, for `nhi report --baseline FILE --fail-on SEV`.
import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import { openInventory } from '../../inventory/db.js';
import { ScanLog } from '../../inventory/scan-log.js';
import { writeBaseline } from '../../plan/baseline.js';
import { commandContext, type CommonFlags } from '../context.js';

export async function baselineWriteCommand(file: string, flags: CommonFlags): Promise<number> {
  const ctx = commandContext(flags);
  const inv = openInventory(ctx.dbPath, { readonly: true });
  try {
    const latest = new ScanLog(inv.db).latestEvaluatedOrRefuse(inv.path);
    const n = writeBaseline(inv.db, file, latest.id);
    process.stderr.write(`wrote a baseline of ${n} open finding(s) as of scan #${latest.id} to ${file}\n`);
    return EXIT.ok;
  } finally {
    inv.close();
  }
}

export function registerBaselineCommands(program: Command, common: (c: Command) => Command, setExit: (code: number) => void): void {
  const baseline = program.command('baseline').description('baselines for CI: fail only on findings new since one');
  common(baseline.command('write').description('write the open findings of the latest scan to FILE').argument('<file>')).action(async (file: string, flags: CommonFlags) =>
    setExit(await baselineWriteCommand(file, flags)),
  );
}
