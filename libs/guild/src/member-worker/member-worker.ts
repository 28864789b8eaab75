/**
 * Entry of a member worker thread (loaded through member-worker.mjs): holds
 * guild replicas and answers listings. A message that throws is answered
 * `failed` when it was a listing; anything else escaping kills the thread,
 * and the pool replaces it.
 */
import { parentPort } from 'node:worker_threads';
import { ReplicaSet } from './replica-set';
import type { FromWorker, ToWorker } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('member-worker.ts must run in a worker thread');
const replicas = new ReplicaSet();

port.on('message', (message: ToWorker | { op: 'crash' }) => {
  // Test hook: lets the pool's specs kill a worker the way a bug would.
  if (message.op === 'crash') throw new Error('member worker crash requested');
  try {
    const out = replicas.handle(message);
    if (out) port.postMessage(out.message, out.transfer);
  } catch (error) {
    if (message.op !== 'list') throw error;
    const failed: FromWorker = { op: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) };
    port.postMessage(failed);
  }
});
port.postMessage({ op: 'ready' });
