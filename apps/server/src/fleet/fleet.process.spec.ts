/**
 * A fleet node that dies while starting: the error names it and carries the
 * end of its log, since the fleet's directory (here a temporary one) may be
 * gone when the error is read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/processes';
import { FleetError, launch, waitReady, type FleetNode } from './fleet';

const dir = mkdtempSync(join(tmpdir(), 'chat-fleet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('waitReady', () => {
  it('says why a node exited while starting: the last lines of its log', async () => {
    const ops = await freePort();
    // A configuration key the node refuses: it exits 2 at once, naming the key in its output.
    const node: FleetNode = { app: 'guild', id: 'guild-0', grpc: 0, ops, env: { CHAT_OPS_HOST: '127.0.0.1', CHAT_OPS_PORT: String(ops), CHAT_GRPC_PORT: 'not-a-port' } };
    launch(dir, node);
    const error = await waitReady([node], 30_000, () => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FleetError);
    expect((error as FleetError).message).toMatch(/^guild-0 exited while starting; see .*guild-0\.log\n--- last lines of its log ---\n/);
    expect((error as FleetError).message).toContain('configuration key CHAT_GRPC_PORT: expected an integer, got "not-a-port"');
    expect((error as FleetError).logTail).toContain('CHAT_GRPC_PORT');
  });
});
