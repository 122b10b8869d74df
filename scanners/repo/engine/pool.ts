// A small pool of detection workers (worker threads), one per core by default. The
// worker file is resolved next to this module, so it works from the built JS (dist/)
// and when TypeScript runs through tsx (the worker then registers tsx itself: loader
// hooks given with --import do not reach worker threads on Node 20).
import { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../../src/workers.js';
import { runJob } from './scan-file.js';
import type { BatchRequest, BatchResponse, Job, JobResult, WorkerConfig } from './protocol.js';

interface Slot {
  worker: Worker;
  inflight: number;
  dead: boolean;
}

interface Pending {
  resolve(r: JobResult[]): void;
  reject(e: Error): void;
  slot: Slot;
}

function spawn(cfg: WorkerConfig): Worker {
  return spawnWorker(import.meta.url, 'worker', cfg);
}

export class DetectionPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly cfg: WorkerConfig;

  /** `size` 0 runs detection in this thread (tests, tiny scans). */
  constructor(size: number, cfg: WorkerConfig) {
    this.cfg = cfg;
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: spawn(cfg), inflight: 0, dead: false };
      const fail = (err: Error) => {
        if (slot.dead) return;
        slot.dead = true;
        for (const [id, p] of this.pending) {
          if (p.slot !== slot) continue;
          this.pending.delete(id);
          p.reject(err);
        }
      };
      slot.worker.on('message', (res: BatchResponse) => {
        const p = this.pending.get(res.id);
        if (!p) return;
        this.pending.delete(res.id);
        slot.inflight--;
        if (res.error) p.reject(new Error(`secret detection failed: ${res.error}`));
        else p.resolve(res.results);
      });
      slot.worker.on('error', (err) => fail(err));
      slot.worker.on('exit', (code) => fail(new Error(`detection worker exited with code ${code}`)));
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  run(jobs: Job[]): Promise<JobResult[]> {
    const live = this.slots.filter((s) => !s.dead);
    if (this.slots.length === 0) return Promise.resolve(jobs.map((j) => runJob(j, this.cfg)));
    if (live.length === 0) return Promise.reject(new Error('all detection workers have stopped'));
    const slot = live.reduce((a, b) => (b.inflight < a.inflight ? b : a));
    const id = this.nextId++;
    slot.inflight++;
    return new Promise<JobResult[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      const req: BatchRequest = { id, jobs };
      slot.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    const all = this.slots.splice(0);
    for (const s of all) s.dead = true;
    await Promise.all(all.map((s) => s.worker.terminate()));
  }
}
