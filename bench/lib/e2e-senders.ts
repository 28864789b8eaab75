/**
 * The sending side of the e2e benchmark, run as a child process so the
 * HTTP client's CPU is not charged to the server process: posts a phase's
 * messages through the REST API with C requests in flight and reports, per
 * message, when its accepted POST started.
 *
 * Messages from the parent (bench/e2e.bench.ts, through ChildClients):
 * - { type: 'send', url, tokens, count, concurrency, prefix } -> { type: 'sent', ...Sent }
 * - { type: 'close' } -> exits
 */

interface SendCommand { type: 'send'; url: string; tokens: string[]; count: number; concurrency: number; prefix: string }

const send = (message: unknown) => process.send?.(message);
/** Epoch milliseconds with sub-millisecond resolution, comparable with the other processes' clocks. */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One phase's sending side; starts[i] is NaN (null after IPC) for a message whose POST failed (listed in `failed`). */
export interface Sent { starts: (number | null)[]; restMs: number[]; limited: number; errors: Record<number, number>; failed: number[]; wallMs: number }

/** Posts `count` messages (non-2xx answers other than 429 are counted, not retried) `<prefix><i>` with `concurrency` in flight, message i as tokens[i % tokens.length]. */
export async function sendAll(url: string, tokens: readonly string[], count: number, concurrency: number, prefix: string): Promise<Sent> {
  const starts = new Array<number>(count).fill(Number.NaN);
  const restMs: number[] = [];
  const errors: Record<number, number> = {};
  const failed: number[] = [];
  let limited = 0;
  let next = 0;
  const began = now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const token = tokens[i % tokens.length] ?? '';
        for (;;) {
          const t0 = now();
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify({ content: `${prefix}${i}` }) });
          const body = (await response.json()) as { retry_after?: number };
          if (response.status === 429) {
            limited++;
            await sleep(Math.ceil((body.retry_after ?? 1) * 1000));
            continue;
          }
          if (response.status !== 200) {
            // Not retried: a 5xx may still have been stored (and delivered); the listeners count such deliveries apart.
            errors[response.status] = (errors[response.status] ?? 0) + 1;
            failed.push(i);
            if (errors[response.status] === 1) console.warn(`POST ${prefix}${i}: ${response.status} ${JSON.stringify(body)}`);
          } else {
            starts[i] = t0;
            restMs.push(now() - t0);
          }
          break;
        }
      }
    }),
  );
  return { starts, restMs, limited, errors, failed, wallMs: now() - began };
}


process.on('message', (command: SendCommand | { type: 'close' }) => {
  if (command.type === 'send') {
    sendAll(command.url, command.tokens, command.count, command.concurrency, command.prefix).then(
      (sent) => send({ type: 'sent', ...sent }),
      (error: Error) => send({ type: 'error', message: error.message }),
    );
  } else {
    setTimeout(() => process.exit(0), 10);
  }
});
send({ type: 'started' });
