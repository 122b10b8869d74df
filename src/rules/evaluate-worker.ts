// The second thread of a large scan's evaluation (stageFindings in ./engine.ts): evaluates the
// off-thread rules over the committed inventory into a staging file the scan copies from.
import { parentPort, workerData } from 'node:worker_threads';
import { openStagedEvaluation } from '../inventory/findings.js';
import { runRules, type OffThreadWork } from './engine.js';
import { RULES } from './index.js';

const work = workerData as OffThreadWork;
try {
  const db = openStagedEvaluation(work.inventoryPath, work.file);
  try {
    const rules = RULES.filter((r) => work.rules.includes(r.meta.id));
    db.transaction(() =>
      runRules({ db, config: work.config, now: new Date(work.now), into: { table: 'staged', schema: 'part' }, rules, admins: work.admins.map((id) => ({ id })) }),
    )();
    parentPort!.postMessage({});
  } finally {
    db.close();
  }
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
