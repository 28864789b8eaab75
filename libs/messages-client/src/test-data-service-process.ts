/**
 * Test helper (not exported): runs apps/data-service as a child process on
 * free ports and reads where it listens from its start-up banner
 * (`grpc     host:port`, `ops      http://host:port`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A running data-service process. */
export interface DataServiceProcess {
  nodeId: string;
  grpc: string;
  ops: string;
  /** Sum of a counter's samples whose labels contain `labels` (e.g. 'method="GetHistory"'). */
  counter(name: string, labels: string): Promise<number>;
  stop(): Promise<void>;
  /** SIGKILL: the process dies without stopping anything (a crash). */
  kill(): Promise<void>;
}

/** Starts one data-service process; rejects with its output if it exits or prints no banner within `timeoutMs`. */
export function startDataService(nodeId: string, env: Record<string, string> = {}, timeoutMs = 15_000): Promise<DataServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/data-service/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, CHAT_GRPC_PORT: '0', CHAT_OPS_PORT: '0', CHAT_NODE_ID: nodeId, CHAT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    let grpc: string | undefined;
    let ops: string | undefined;
    const timer = setTimeout(() => fail(new Error(`data-service ${nodeId} printed no banner within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      grpc ??= /^grpc\s+(\S+)$/m.exec(output)?.[1];
      ops ??= /^ops\s+(\S+)$/m.exec(output)?.[1];
      if (grpc && ops) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(running(nodeId, child, grpc, ops));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.once('exit', (code) => fail(new Error(`data-service ${nodeId} exited with ${code}:\n${output}`)));
  });
}

function running(nodeId: string, child: ChildProcess, grpc: string, ops: string): DataServiceProcess {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    nodeId,
    grpc,
    ops,
    async counter(name, labels) {
      const text = await (await fetch(`${ops}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
