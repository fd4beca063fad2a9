// Validates ACS responses on worker threads. An XML-signature check is milliseconds of CPU; on the main
// thread every sign-in waits behind the others and the process uses one core. Here each worker runs one
// job at a time; jobs beyond the workers wait in a bounded queue, and past it the caller is told to come
// back later (ValidationUnavailable 'busy') rather than memory growing without bound. A worker that
// crashes or overruns its time is replaced, and only its own job fails. Every response is still fully
// validated by validateSamlResponse; nothing of a result is kept.
import type { Worker } from 'node:worker_threads';
import { siblingWorkerUrl, startWorker } from '../workers/start-worker.js';
import { SamlRejected } from './rejection.js';
import type { SpSettings } from './service-provider.js';
import { MAX_SAML_RESPONSE_BYTES, validateSamlResponse, type SamlIdentity } from './validate-response.js';
import type { FromWorker, ToWorker } from './validation-protocol.js';

export class ValidationUnavailable extends Error {
  constructor(readonly why: 'busy' | 'failed' | 'closed', message: string) { super(message); }
}

export interface PoolOptions {
  /** Worker threads; 0 validates on the calling thread (no queue). */
  threads: number;
  /** Jobs that may wait for a free worker; one more is refused as 'busy'. */
  queueLimit: number;
  /** A job running longer than this has its worker terminated (a hostile input must not hold it forever). */
  timeoutMs?: number;
  /** For tests: another worker script. */
  workerUrl?: URL;
  /** Told when a worker ends unexpectedly: for the log (no job content is given). */
  onWorkerExit?: (e: { exitCode: number; error?: string; duringJob: boolean }) => void;
}

export interface ValidationPool {
  readonly threads: number;
  validate(sp: SpSettings, samlResponse: unknown): Promise<SamlIdentity>;
  close(): Promise<void>;
}

interface Job {
  id: number;
  sp: SpSettings;
  samlResponse: string;
  resolve: (v: SamlIdentity) => void;
  reject: (e: Error) => void;
}

interface Slot { worker?: Worker; job?: Job; timer?: NodeJS.Timeout; startedAt: number; lastError?: string }

const DEFAULT_TIMEOUT_MS = 10_000;
const defaultWorkerUrl = () => siblingWorkerUrl('validation-worker', import.meta.url);

export function createValidationPool(opts: PoolOptions): ValidationPool {
  if (opts.threads <= 0) {
    return { threads: 0, validate: (sp, r) => validateSamlResponse(sp, r), close: async () => {} };
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const workerUrl = opts.workerUrl ?? defaultWorkerUrl();
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closing = false;

  function spawn(slot: Slot) {
    const worker = startWorker(workerUrl);
    // Referenced only while it runs a job: an idle pool (a forgotten close()) keeps no process alive.
    worker.unref();
    slot.worker = worker;
    slot.startedAt = Date.now();
    slot.lastError = undefined;
    worker.on('message', (m: FromWorker) => onMessage(slot, worker, m));
    worker.on('error', (err) => { slot.lastError = `${err.name}: ${err.message}`.slice(0, 300); });
    worker.on('exit', (exitCode) => onExit(slot, worker, exitCode));
  }

  function finish(slot: Slot): Job | undefined {
    const job = slot.job;
    if (job) slot.worker?.unref();
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    return job;
  }

  function onMessage(slot: Slot, worker: Worker, m: FromWorker) {
    const job = slot.job;
    if (slot.worker !== worker || !job || m.job !== job.id) return; // a late answer of a job already failed
    if (m.type === 'cache') {
      // The job's own store: a worker can only ever reach the request ids of the tenant it validates for.
      const store = job.sp.requests;
      const call = m.op === 'saveAsync' ? store.saveAsync(m.key ?? '', m.value ?? '') : m.op === 'getAsync' ? store.getAsync(m.key ?? '') : store.removeAsync(m.key);
      call.then(
        (result) => { if (slot.worker === worker && slot.job === job) worker.postMessage({ type: 'cache', call: m.call, result } satisfies ToWorker); },
        (err: Error) => { if (slot.worker === worker && slot.job === job) worker.postMessage({ type: 'cache', call: m.call, error: String(err?.message ?? err) } satisfies ToWorker); },
      );
      return;
    }
    finish(slot);
    if (m.type === 'done') job.resolve(m.identity);
    else if (m.type === 'rejected') job.reject(new SamlRejected(m.code, m.reason, m.detail));
    else job.reject(new Error(m.message));
    dispatch();
  }

  function onExit(slot: Slot, worker: Worker, exitCode: number) {
    if (slot.worker !== worker) return; // retired already: its replacement is on the way
    const job = finish(slot);
    if (closing) { slot.worker = undefined; return; }
    job?.reject(new ValidationUnavailable('failed', 'the validation worker ended during this response'));
    opts.onWorkerExit?.({ exitCode, ...(slot.lastError ? { error: slot.lastError } : {}), duringJob: job !== undefined });
    replace(slot);
  }

  /** Takes the slot's worker out of service at once (no job goes to it any more) and starts another. */
  function replace(slot: Slot) {
    const old = slot.worker;
    slot.worker = undefined;
    void old?.terminate();
    // A worker that dies at once (a broken install) is not restarted in a tight loop.
    const lived = Date.now() - slot.startedAt;
    setTimeout(() => { if (!closing) { spawn(slot); dispatch(); } }, lived < 1000 ? 1000 : 0).unref();
  }

  function dispatch() {
    for (const slot of slots) {
      if (!queue.length) return;
      const worker = slot.worker;
      if (!worker || slot.job) continue;
      const job = queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => {
        if (slot.job !== job) return;
        finish(slot);
        job.reject(new ValidationUnavailable('failed', `validation took longer than ${timeoutMs} ms`));
        opts.onWorkerExit?.({ exitCode: -1, error: `terminated after ${timeoutMs} ms on one response`, duringJob: true });
        replace(slot);
      }, timeoutMs);
      slot.timer.unref();
      worker.ref();
      const { requests: _store, ...settings } = job.sp;
      worker.postMessage({ type: 'job', job: job.id, settings, samlResponse: job.samlResponse } satisfies ToWorker);
    }
  }

  for (let i = 0; i < opts.threads; i++) {
    const slot: Slot = { startedAt: 0 };
    slots.push(slot);
    spawn(slot);
  }

  return {
    threads: opts.threads,
    validate(sp, samlResponse) {
      // What is refused by its type or size alone is refused here, so the queue only ever holds
      // responses of at most MAX_SAML_RESPONSE_BYTES.
      if (typeof samlResponse !== 'string' || !samlResponse || samlResponse.length > MAX_SAML_RESPONSE_BYTES) {
        return validateSamlResponse(sp, samlResponse);
      }
      if (closing) return Promise.reject(new ValidationUnavailable('closed', 'the server is shutting down'));
      const idle = slots.some((s) => s.worker && !s.job);
      if (!idle && queue.length >= opts.queueLimit) {
        return Promise.reject(new ValidationUnavailable('busy', `all ${opts.threads} validation threads busy and ${queue.length} responses waiting`));
      }
      return new Promise<SamlIdentity>((resolve, reject) => {
        queue.push({ id: ++nextId, sp, samlResponse, resolve, reject });
        dispatch();
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const job of queue.splice(0)) job.reject(new ValidationUnavailable('closed', 'the server is shutting down'));
      const running = slots.filter((s) => s.job).map((s) => new Promise<void>((r) => {
        const job = s.job!;
        const settle = () => r();
        const { resolve, reject } = job;
        job.resolve = (v) => { resolve(v); settle(); };
        job.reject = (e) => { reject(e); settle(); };
      }));
      // Sign-ins already being validated may finish (briefly); then every worker is ended.
      await Promise.race([Promise.all(running), new Promise((r) => setTimeout(r, 2000).unref())]);
      for (const slot of slots) {
        const job = finish(slot);
        job?.reject(new ValidationUnavailable('closed', 'the server is shutting down'));
        const w = slot.worker;
        slot.worker = undefined;
        await w?.terminate();
      }
    },
  };
}
