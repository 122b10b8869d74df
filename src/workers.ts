// Start a worker thread from a module next to the caller, both from the built JS (dist/) and
// when TypeScript runs through tsx: Node 20 does not pass --import loader hooks to workers, so
// under tsx the worker registers tsx itself before importing the module.
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `callerUrl` is the caller's import.meta.url; `name` the worker module's base name (no extension). */
export function spawnWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  const ext = extname(fileURLToPath(callerUrl));
  const url = new URL(`./${name}${ext === '.ts' ? '.ts' : '.js'}`, callerUrl);
  if (ext === '.ts') {
    const api = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(url, { workerData });
}
