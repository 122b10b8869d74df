// `nhi scan --demo`: every scanner serves its part of the demo estate from a local endpoint
// in its provider's own wire format, so the demo runs the real scanner code end to end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyScanner, DemoEndpoint } from '../scanners/contract.js';

export interface DemoSession {
  /** Demo options per scanner name. */
  options: Map<string, Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startDemo(scanners: AnyScanner[], now: Date, day = 0): Promise<DemoSession> {
  const workDir = mkdtempSync(join(tmpdir(), 'nhi-demo-'));
  const started: DemoEndpoint<unknown>[] = [];
  const options = new Map<string, Record<string, unknown>>();
  const stop = async () => {
    await Promise.allSettled(started.map((e) => e.stop()));
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    for (const s of scanners) {
      if (!s.demo) continue;
      const ep = await s.demo({ now, workDir, day });
      started.push(ep);
      options.set(s.name, ep.options as Record<string, unknown>);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { options, stop };
}
