// The real validation worker, except that a job whose response is "crash" ends the thread and one that
// is "hang" blocks it: what the pool must survive (test/saml/validation-pool.test.ts). The real worker
// is loaded first, so its listener sees every job; this one runs after it, before any answer is sent.
import { parentPort } from 'node:worker_threads';

await import('../../src/saml/validation-worker.js');
parentPort!.on('message', (m: { type: string; samlResponse?: string }) => {
  if (m.type !== 'job') return;
  if (m.samlResponse === 'crash') process.exit(3);
  if (m.samlResponse === 'hang') for (;;) { /* never answers */ }
});
