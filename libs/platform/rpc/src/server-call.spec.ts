import { Metadata, status, type ServerUnaryCall } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@chat/observability';
import { wrapUnary } from './server-call';

/** A unary call as grpc-js hands it to a handler, with the given deadline and a 'cancelled' hook. */
function fakeCall(deadline: number): { call: ServerUnaryCall<unknown, unknown>; cancel: () => void } {
  let cancelled: (() => void) | undefined;
  const call = {
    request: {},
    metadata: new Metadata(),
    getDeadline: () => deadline,
    getPeer: () => 'test',
    on: (event: string, listener: () => void) => {
      if (event === 'cancelled') cancelled = listener;
    },
  } as unknown as ServerUnaryCall<unknown, unknown>;
  return { call, cancel: () => cancelled?.() };
}

/** Runs a handler that waits for its signal and rethrows the abort reason; resolves with the status it answered. */
function answerOf(deadline: number, cancelAfterMs?: number): Promise<number | undefined> {
  const handler = wrapUnary(
    'test.v1.Echo/Wait',
    (_request, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error))),
    silentLogger(),
    () => undefined,
  );
  const { call, cancel } = fakeCall(deadline);
  if (cancelAfterMs !== undefined) setTimeout(cancel, cancelAfterMs);
  return new Promise((resolve) => handler(call, (error) => resolve(error?.code ?? undefined)));
}

describe('wrapUnary: the abort reason a handler rethrows', () => {
  it('answers DEADLINE_EXCEEDED when the server-side deadline fires first (in process it can beat the caller\'s own timer)', async () => {
    expect(await answerOf(Date.now() + 20)).toBe(status.DEADLINE_EXCEEDED);
  });

  it('answers CANCELLED when the caller cancels', async () => {
    expect(await answerOf(Infinity, 10)).toBe(status.CANCELLED);
  });
});
