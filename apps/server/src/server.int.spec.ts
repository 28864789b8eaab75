import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { infra } from '@chat/testing';
import { EPHEMERAL_PORTS } from './testing/ephemeral-ports';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const children: ChildProcess[] = [];

/** Starts an app's main on free ports and resolves with the addresses from its banner. */
function startApp(app: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ child: ChildProcess; grpc: string; ops: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`, ...args], {
    cwd: root,
    env: { ...process.env, ...EPHEMERAL_PORTS, CHAT_SQLITE_PATH: ':memory:', CHAT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const grpc = /^grpc\s+(\S+)$/m.exec(out)?.[1];
      const ops = /^ops\s+(\S+)$/m.exec(out)?.[1];
      if (grpc && ops) resolve({ child, grpc, ops });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`apps/${app} exited with ${code} before it was ready:\n${out}`)));
  });
}

function grpcurl(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(infra().grpcurl.bin, ['-plaintext', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('apps/server, seen from grpcurl', () => {
  it('lists all six services plus health and reflection, and describes their methods', async () => {
    const { child, grpc, ops } = await startApp('server');
    const list = grpcurl(grpc, 'list');
    expect(list.stderr).toBe('');
    expect(list.stdout.trim().split('\n')).toEqual([
      'chat.gateway.v1.GatewayService',
      'chat.guild.v1.GuildService',
      'chat.messages.v1.MessageService',
      'chat.readstates.v1.ReadStateService',
      'chat.search.v1.SearchService',
      'chat.voice.v1.VoiceService',
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ]);
    const describeGuild = grpcurl(grpc, 'describe', 'chat.guild.v1.GuildService');
    expect(describeGuild.stdout).toContain('rpc StreamDispatches ( .chat.guild.v1.StreamDispatchesRequest ) returns ( stream .chat.guild.v1.StreamDispatchesResponse );');
    const describeMessage = grpcurl(grpc, 'describe', 'chat.messages.v1.Message');
    expect(describeMessage.stdout).toContain('string channel_id');

    const health = grpcurl('-d', '{"service":"chat.messages.v1.MessageService"}', grpc, 'grpc.health.v1.Health/Check');
    expect(JSON.parse(health.stdout)).toEqual({ status: 'SERVING' });
    const ready = (await (await fetch(`${ops}/ready`)).json()) as { ready: boolean; modules: Record<string, string> };
    expect(ready.ready).toBe(true);
    for (const service of ['grpc-server', 'gateway', 'guild', 'data-service', 'read-states', 'search-indexer', 'voice']) {
      expect(ready.modules[service]).toBe('running');
    }
    expect(Object.values(ready.modules).every((state) => state === 'running')).toBe(true);

    const call = grpcurl('-d', '{"channel_id":"1","limit":0}', grpc, 'chat.messages.v1.MessageService/GetHistory');
    expect(call.status).not.toBe(0);
    expect(call.stderr).toContain('Code: InvalidArgument');

    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('runs one service alone, from its own app, listing only that service', async () => {
    const { child, grpc } = await startApp('voice');
    const list = grpcurl(grpc, 'list');
    expect(list.stdout.trim().split('\n')).toEqual([
      'chat.voice.v1.VoiceService',
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ]);
    child.kill('SIGTERM');
    expect(await exitOf(child)).toBe(0);
  });

  it('runs a comma list of targets', async () => {
    const { child, grpc } = await startApp('server', ['--target=guild,read-states']);
    const services = grpcurl(grpc, 'list').stdout.trim().split('\n').filter((name) => name.startsWith('chat.'));
    expect(services).toEqual(['chat.guild.v1.GuildService', 'chat.readstates.v1.ReadStateService']);
    child.kill('SIGINT');
    expect(await exitOf(child)).toBe(0);
  });

  it('exits 2 naming the bad key or target, without starting', async () => {
    const badKey = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
      cwd: root,
      env: { ...process.env, CHAT_GRPC_PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(badKey.status).toBe(2);
    expect(badKey.stderr).toContain('configuration key CHAT_GRPC_PORT: expected an integer, got "eighty"');

    const badTarget = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts', '--target=chat'], { cwd: root, encoding: 'utf8' });
    expect(badTarget.status).toBe(2);
    expect(badTarget.stderr).toContain('unknown module "chat"');
  });

  it('prints every configuration key with --help', () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts', '--help'], { cwd: root, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('| `CHAT_GRPC_PORT` | `50051` | port |');
    expect(help.stdout).toContain('## guild (service, needs grpc-server, store)');
    expect(help.stdout).toContain('## gateway (service, needs grpc-server, http-server, store, bus)');
    expect(help.stdout).toContain('## api (service, needs grpc-server, http-server, store, object-store, ids)');
    expect(help.stdout).toContain('| `CHAT_OBJECT_STORE` | `"disk"` |');
    expect(help.stdout).toContain('| `CHAT_API_DATA_TIMEOUT_MS` | `5000` | ms |');
    expect(help.stdout).toContain('| `CHAT_SNOWFLAKE_WORKER_ID` | `0` | id |');
    expect(help.stdout).toContain('| `CHAT_HTTP_PORT` | `8080` | port |');
  });
});
