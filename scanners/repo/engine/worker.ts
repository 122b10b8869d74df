// Detection worker: receives batches of jobs, answers with compact findings.
import { parentPort, workerData } from 'node:worker_threads';
import { runJob } from './scan-file.js';
import type { BatchRequest, BatchResponse, WorkerConfig } from './protocol.js';

const cfg = workerData as WorkerConfig;
parentPort?.on('message', (req: BatchRequest) => {
  let res: BatchResponse;
  try {
    res = { id: req.id, results: req.jobs.map((j) => runJob(j, cfg)) };
  } catch (err) {
    res = { id: req.id, results: [], error: (err as Error)?.message ?? String(err) };
  }
  parentPort?.postMessage(res);
});
