/**
 * A private single-node Kafka (KRaft, broker + controller in one JVM) for a
 * test that must stop and restart its broker without disturbing the shared
 * one at 127.0.0.1:19092. Runs from the jars scripts/infra/kafka.sh caches
 * (so that script must have fetched them once), on free ports, in a temp dir.
 * Test-only: not exported from the lib's index.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@chat/testing';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';

/** Thrown when the private broker cannot be prepared, started or stopped; `log` is the tail of its log. */
export class PrivateKafkaError extends Error {
  constructor(
    message: string,
    /** Last lines of the broker's log, when there is one. */
    readonly log = '',
    options: { cause?: unknown } = {},
  ) {
    super(log ? `${message}\n---- broker log tail ----\n${log}` : message, options);
    this.name = 'PrivateKafkaError';
  }
}

/** Options of {@link PrivateKafka.create}. */
export interface PrivateKafkaOptions {
  /** Kafka version whose cached jars to use. Default CHAT_INFRA_KAFKA_VERSION or 4.1.1. */
  version?: string;
  /** Longest wait for the broker to start, in ms. Default 180000. */
  startTimeoutMs?: number;
}

/** One private broker: `start()`, `stop()` (SIGTERM, same dir and ports kept), `start()` again, `destroy()`. */
export class PrivateKafka {
  private child: ChildProcess | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    private readonly dir: string,
    private readonly classpath: string,
    readonly port: number,
    private readonly startTimeoutMs: number,
  ) {}

  /** Writes server.properties into a new temp dir and formats its storage; does not start the broker. */
  static async create(options: PrivateKafkaOptions = {}): Promise<PrivateKafka> {
    const version = options.version ?? process.env['CHAT_INFRA_KAFKA_VERSION'] ?? '4.1.1';
    const cache = process.env['CHAT_INFRA_CACHE'] || join(homedir(), '.cache', 'chat-infra');
    const lib = join(cache, `kafka-${version}`, 'lib');
    if (!existsSync(join(lib, '.complete'))) {
      throw new PrivateKafkaError(`no Kafka ${version} jars at ${lib}: run "bash scripts/infra/infra.sh up kafka" once to fetch them`);
    }
    const jars = (await readdir(lib)).filter((name) => name.endsWith('.jar')).map((name) => join(lib, name));
    const [port, controllerPort] = await Promise.all([freePort(HOST), freePort(HOST)]);
    const dir = await mkdtemp(join(tmpdir(), 'chat-private-kafka-'));
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'server.properties'), serverProperties(dir, port, controllerPort));
    await writeFile(join(dir, 'log4j2.properties'), log4jProperties(dir));
    const kafka = new PrivateKafka(dir, jars.join(':'), port, options.startTimeoutMs ?? 180_000);
    await kafka.format();
    return kafka;
  }

  /** `host:port` of the broker. */
  get brokers(): string[] {
    return [`${HOST}:${this.port}`];
  }

  /** Starts the broker and resolves once it logged "Kafka Server started" and takes connections. */
  async start(): Promise<void> {
    if (this.child) throw new PrivateKafkaError('private kafka is already running');
    const startedBefore = await this.countStarts();
    const child = spawn(
      'java',
      ['-Xms128m', '-Xmx384m', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`, '-cp', this.classpath, 'kafka.Kafka', join(this.dir, 'server.properties')],
      { stdio: 'ignore' },
    );
    this.child = child;
    process.once('exit', this.killOnExit);
    const deadline = Date.now() + this.startTimeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = undefined;
        throw new PrivateKafkaError(`private kafka exited during start (${child.exitCode ?? child.signalCode})`, await this.logTail());
      }
      if ((await this.countStarts()) > startedBefore && (await portOpen(this.port))) return;
      await delay(250);
    }
    await this.stop();
    throw new PrivateKafkaError(`private kafka not started after ${this.startTimeoutMs} ms`, await this.logTail());
  }

  /** SIGTERM (a controlled shutdown, as a rolling restart does); SIGKILL after `timeoutMs`. Resolves once the JVM exited. */
  async stop(timeoutMs = 60_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    process.removeListener('exit', this.killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the broker and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop(10_000);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async format(): Promise<void> {
    const clusterId = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('java', ['-Xmx256m', `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`, '-cp', this.classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', join(this.dir, 'server.properties')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new PrivateKafkaError(`kafka-storage format failed (exit ${code})`, output.join('').slice(-3000));
  }

  private async countStarts(): Promise<number> {
    const log = await readFile(join(this.dir, 'logs', 'server.log'), 'utf8').catch(() => '');
    return log.split('Kafka Server started').length - 1;
  }

  private async logTail(): Promise<string> {
    const log = await readFile(join(this.dir, 'logs', 'server.log'), 'utf8').catch(() => '');
    return log.split('\n').slice(-40).join('\n');
  }
}

function serverProperties(dir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${HOST}:${controllerPort}`,
    `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dir, 'data')}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

function log4jProperties(dir: string): string {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = file',
    `appender.file.fileName = ${join(dir, 'logs', 'server.log')}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = file',
    '',
  ].join('\n');
}


function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
