/**
 * The parent side of a benchmark's client child process: forks a TypeScript
 * program under tsx and exchanges typed messages with it over IPC. The child
 * sends { type: 'started' } first and { type: 'error', message } when
 * something fails; everything else is the benchmark's own protocol.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A forked client process with `next(type)` to await its next message of a type. */
export class ChildClients {
  private readonly inbox: { type: string; [key: string]: unknown }[] = [];
  private wake: (() => void) | undefined;
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message) => {
      this.inbox.push(message as { type: string });
      this.wake?.();
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      this.inbox.push({ type: 'error', message: `client process exited (code ${code}, signal ${signal})` });
      this.wake?.();
    });
  }

  /** Forks `script` (a path to a .ts file) with tsx and waits for its 'started'. */
  static async start(script: string, maxOldSpaceMb = 4096): Promise<ChildClients> {
    const child = fork(script, [], { execArgv: ['--import', 'tsx', `--max-old-space-size=${maxOldSpaceMb}`], stdio: 'inherit' });
    const clients = new ChildClients(child);
    await clients.next('started', 30_000);
    return clients;
  }

  /** The next message of `type`; an 'error' message (or the child's exit) throws, and so does the timeout. */
  async next<T = Record<string, unknown>>(type: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type || m.type === 'error');
      if (index >= 0) {
        const [message] = this.inbox.splice(index, 1);
        if (message?.type === 'error') throw new Error(`clients: ${String(message.message)}`);
        return message as T;
      }
      if (Date.now() > deadline) throw new Error(`clients: no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 500);
      });
    }
  }

  /** Sends one message to the child. */
  send(message: unknown): void {
    if (!this.exited) this.child.send(message as never);
  }

  /** Asks the child to close ({ type: 'close' }); kills it after 10 s. */
  async close(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    this.send({ type: 'close' });
    await Promise.race([once(this.child, 'exit'), sleep(10_000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
