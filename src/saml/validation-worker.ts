// A worker thread of the ACS's validation pool: validateSamlResponse, exactly as on the main thread,
// one job at a time, with the tenant's settings the job brings and the request store reached through
// the main thread. Nothing is kept between jobs but the parsed trusted keys (src/saml/trusted-keys.ts).
import { parentPort } from 'node:worker_threads';
import type { CacheProvider } from '@node-saml/node-saml';
import { SamlRejected } from './rejection.js';
import type { CacheOp, FromWorker, ToWorker } from './validation-protocol.js';
import { validateSamlResponse } from './validate-response.js';

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
let calls = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function remote<T>(job: number, op: CacheOp, key: string | null, value?: string): Promise<T> {
  const call = ++calls;
  return new Promise<T>((resolve, reject) => {
    pending.set(call, { resolve: resolve as (v: unknown) => void, reject });
    send({ type: 'cache', job, call, op, key, ...(value !== undefined ? { value } : {}) });
  });
}

async function run(m: Extract<ToWorker, { type: 'job' }>): Promise<FromWorker> {
  const requests: CacheProvider = {
    saveAsync: (key, value) => remote(m.job, 'saveAsync', key, value),
    getAsync: (key) => remote(m.job, 'getAsync', key),
    removeAsync: (key) => remote(m.job, 'removeAsync', key),
  };
  try {
    return { type: 'done', job: m.job, identity: await validateSamlResponse({ ...m.settings, requests }, m.samlResponse) };
  } catch (err) {
    if (err instanceof SamlRejected) {
      return { type: 'rejected', job: m.job, code: err.code, reason: err.reason, ...(err.detail !== undefined ? { detail: err.detail } : {}) };
    }
    return { type: 'failed', job: m.job, message: String((err as Error)?.message ?? err).slice(0, 300) };
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'cache') {
    const p = pending.get(m.call);
    pending.delete(m.call);
    if (m.error !== undefined) p?.reject(new Error(m.error)); else p?.resolve(m.result ?? null);
    return;
  }
  void run(m).then(send);
});
