// Worker threads from the build (.js) or from the source tree under tsx (.ts: tests, `npm run dev`).
import { Worker } from 'node:worker_threads';

/** The URL of worker module `name` next to the module at `moduleUrl`, in the same flavour (.ts or .js). */
export const siblingWorkerUrl = (name: string, moduleUrl: string): URL =>
  new URL(`./${name}${moduleUrl.endsWith('.ts') ? '.ts' : '.js'}`, moduleUrl);

/** Node 20 does not carry tsx's loader into worker threads: a .ts worker registers it first. */
export function startWorker(url: URL, workerData?: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData });
}
