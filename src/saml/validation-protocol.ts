// Messages between the ACS's validation pool (main thread) and its worker threads. A job carries the
// tenant's settings and the response; the request store stays on the main thread (it is the database),
// and the worker reaches it for the one job it runs through `cache` calls, answered by the job's own store.
import type { CacheItem } from '@node-saml/node-saml';
import type { RejectCode } from './rejection.js';
import type { SpSettings } from './service-provider.js';
import type { SamlIdentity } from './validate-response.js';

export type JobSettings = Omit<SpSettings, 'requests'>;
export type CacheOp = 'saveAsync' | 'getAsync' | 'removeAsync';

export type ToWorker =
  | { type: 'job'; job: number; settings: JobSettings; samlResponse: string }
  | { type: 'cache'; call: number; result?: string | CacheItem | null; error?: string };

export type FromWorker =
  | { type: 'cache'; job: number; call: number; op: CacheOp; key: string | null; value?: string }
  | { type: 'done'; job: number; identity: SamlIdentity }
  | { type: 'rejected'; job: number; code: RejectCode; reason: string; detail?: string }
  | { type: 'failed'; job: number; message: string };
