import { Etcd3, type IKeyValue, type Lease, type Watcher } from 'etcd3';
import { EtcdUnavailableError, InvalidMemberRecordError, InvalidRingArgumentError, MembershipStateError } from './errors';
import { type Member, MemberSet, type Membership, type MembershipListener, validateMember } from './membership';

/** Options of {@link EtcdMembership}. */
export interface EtcdMembershipOptions {
  /** etcd client endpoints, e.g. `['http://10.0.0.2:2379']`; `host:port` gets `http://`. */
  readonly endpoints: readonly string[];
  /** Key prefix of this cluster, e.g. `/chat/ring/guild`; members live at `<prefix>/<id>`. */
  readonly prefix: string;
  /** This process's own record; registered at `<prefix>/<self.id>`. */
  readonly self: Member;
  /**
   * Lease TTL: how long after this process dies (without `stop()`) the others
   * see it leave. Default 10. etcd raises TTLs below its minimum (about 2 s
   * with default settings).
   */
  readonly leaseTtlSeconds?: number;
  /** Bound on each etcd step of `start()` (and of each call afterwards). Default 5000. */
  readonly startTimeoutMs?: number;
  /** Use this client instead of making one; `stop()` then leaves it open. */
  readonly client?: Etcd3;
  /**
   * Receives errors that happen in the background: lost lease, failed
   * re-registration, a cancelled watch, a bad record under the prefix, a
   * subscriber that threw. Default: `process.emitWarning`.
   */
  readonly onError?: (error: unknown) => void;
}

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

const MAX_RETRY_DELAY_MS = 5_000;
const FIRST_RETRY_DELAY_MS = 250;

/**
 * Membership kept in etcd.
 *
 * `start()` grants a lease of `leaseTtlSeconds`, kept alive by the etcd3
 * client, puts `<prefix>/<self.id>` = `{"address","weight"}` under it, lists
 * the prefix and watches it from the revision after that list, so no change
 * between list and watch is lost. Puts under the prefix are joins (or
 * updates), deletes are leaves: `stop()` revokes the lease, and a crashed
 * process's key is deleted by etcd when its lease expires.
 *
 * Unavailability and reconnects:
 * - `start()` rejects with {@link EtcdUnavailableError} (naming the step and
 *   endpoints) when etcd does not answer within `startTimeoutMs`; nothing is
 *   left running and `start()` may be called again.
 * - Once running, a dropped watch stream is re-opened by the etcd3 client with
 *   exponential backoff (up to 30 s) from the last revision seen, so no join or
 *   leave is missed. If that revision was compacted meanwhile, etcd cancels
 *   the watch; this class then lists again, publishes the difference and
 *   watches anew.
 * - Keepalives are retried by the client; if the lease is lost (etcd says it
 *   expired, or no keepalive got through for 2 x TTL) this class grants a new
 *   lease and registers again, retrying with backoff (0.25 s to 5 s) until
 *   `stop()`. The others see this member leave and join again. The same
 *   happens if this member's key is deleted by hand.
 * - While etcd is unreachable, `members()` is the last view seen.
 */
export class EtcdMembership implements Membership {
  /** The etcd key of this member. */
  readonly key: string;
  private readonly watchPrefix: string;
  private readonly endpoints: string[];
  private readonly self: Member;
  private readonly ttl: number;
  private readonly timeoutMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly set: MemberSet;
  private client: Etcd3 | undefined;
  private lease: Lease | undefined;
  private watcher: Watcher | undefined;
  private state: State = 'idle';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private registerTimer: NodeJS.Timeout | undefined;
  private registerDelayMs = FIRST_RETRY_DELAY_MS;
  private resyncTimer: NodeJS.Timeout | undefined;
  private resyncDelayMs = FIRST_RETRY_DELAY_MS;

  /** @throws {InvalidRingArgumentError} on bad options. */
  constructor(private readonly options: EtcdMembershipOptions) {
    if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
      throw new InvalidRingArgumentError('endpoints', options.endpoints, 'a non-empty list');
    }
    const prefix = typeof options.prefix === 'string' ? options.prefix.replace(/\/+$/, '') : '';
    if (prefix.length === 0) throw new InvalidRingArgumentError('prefix', options.prefix, 'a non-empty key prefix');
    const ttl = options.leaseTtlSeconds ?? 10;
    if (!Number.isInteger(ttl) || ttl < 1) {
      throw new InvalidRingArgumentError('leaseTtlSeconds', ttl, 'an integer >= 1');
    }
    const timeoutMs = options.startTimeoutMs ?? 5_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new InvalidRingArgumentError('startTimeoutMs', timeoutMs, 'a positive number');
    }
    this.self = validateMember(options.self);
    this.endpoints = options.endpoints.map((e) => (/^https?:\/\//.test(e) ? e : `http://${e}`));
    this.watchPrefix = `${prefix}/`;
    this.key = `${this.watchPrefix}${this.self.id}`;
    this.ttl = ttl;
    this.timeoutMs = timeoutMs;
    this.onError = options.onError ?? warn;
    this.set = new MemberSet(this.onError);
  }

  /** The members last seen in etcd (this one included once registered), sorted by id. */
  members(): readonly Member[] {
    return this.set.list();
  }

  /** Calls `listener` on every join, leave or update seen from now on. */
  subscribe(listener: MembershipListener): () => void {
    return this.set.subscribe(listener);
  }

  /**
   * Registers this member and loads the member list. Resolves once
   * `members()` holds every registered member, this one included; the initial
   * members are published to subscribers as one change.
   *
   * @throws {EtcdUnavailableError} when etcd does not answer; `start()` may be retried.
   * @throws {MembershipStateError} when already started or stopped.
   */
  start(): Promise<void> {
    if (this.state !== 'idle') return Promise.reject(new MembershipStateError(this.state, 'start'));
    this.state = 'starting';
    this.starting = this.doStart();
    return this.starting;
  }

  /**
   * Leaves: stops watching, revokes the lease (so the others see this member
   * leave at once) and closes the client if this class made it. Errors on the
   * way are reported to `onError`, not thrown; if revoking fails the key
   * still expires after the TTL. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStart(): Promise<void> {
    const client =
      this.options.client ??
      new Etcd3({
        hosts: this.endpoints,
        dialTimeout: this.timeoutMs,
        defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + this.timeoutMs }),
      });
    this.client = client;
    try {
      await this.register();
      await this.listAndWatch();
      this.state = 'running';
    } catch (error) {
      const lease = this.lease;
      this.lease = undefined;
      // Registered but could not list/watch: take the key back now rather than leave it for a TTL.
      if (lease && !(await settle(lease.revoke(), this.timeoutMs))) lease.release();
      const watcher = this.watcher;
      this.watcher = undefined;
      if (watcher) await settle(watcher.cancel(), this.timeoutMs);
      if (!this.options.client) client.close();
      this.client = undefined;
      this.state = 'idle';
      throw error;
    }
  }

  private async doStop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    clearTimeout(this.registerTimer);
    clearTimeout(this.resyncTimer);
    const { watcher, lease, client } = this;
    this.watcher = undefined;
    this.lease = undefined;
    if (watcher) await settle(watcher.cancel(), this.timeoutMs, this.onError);
    if (lease) {
      const revoked = await settle(lease.revoke(), this.timeoutMs, this.onError);
      if (!revoked) lease.release();
    }
    if (client && !this.options.client) client.close();
    this.client = undefined;
    this.state = 'stopped';
  }

  /** Puts this member's key under a live lease, granting a new lease if there is none. */
  private async register(): Promise<void> {
    const client = this.client!;
    let lease = this.lease;
    if (!lease || lease.revoked()) {
      lease = client.lease(this.ttl);
      const granted = lease;
      granted.on('lost', (error) => this.onLeaseLost(granted, error));
      this.lease = granted;
      await this.step('grant lease', granted.grant());
    }
    const record = JSON.stringify(
      this.self.weight === undefined
        ? { address: this.self.address }
        : { address: this.self.address, weight: this.self.weight },
    );
    await this.step('register', lease.put(this.key).value(record).exec());
  }

  /** Lists the prefix, publishes the difference, and watches from the next revision. */
  private async listAndWatch(): Promise<void> {
    const client = this.client!;
    const res = await this.step('list members', client.getAll().prefix(this.watchPrefix).exec());
    const members: Member[] = [];
    for (const kv of res.kvs) {
      const member = this.parse(kv);
      if (member) members.push(member);
    }
    this.set.replace(members);
    const from = (BigInt(res.header.revision) + 1n).toString();
    const watcher = await this.step('watch', client.watch().prefix(this.watchPrefix).startRevision(from).create());
    watcher.on('put', (kv) => this.guard(() => this.onPut(kv)));
    watcher.on('delete', (kv) => this.guard(() => this.onDelete(kv)));
    watcher.on('error', (error) => this.guard(() => this.onWatchError(watcher, error)));
    this.watcher = watcher;
  }

  private onPut(kv: IKeyValue): void {
    const member = this.parse(kv);
    if (member) this.set.put(member);
  }

  private onDelete(kv: IKeyValue): void {
    const id = this.idOf(kv);
    if (id === undefined) return;
    this.set.delete(id);
    if (id === this.self.id && this.state === 'running') this.scheduleRegister();
  }

  private onLeaseLost(lease: Lease, error: unknown): void {
    if (this.state !== 'running' || lease !== this.lease) return;
    this.onError(error);
    this.scheduleRegister();
  }

  private onWatchError(watcher: Watcher, error: unknown): void {
    if (this.state !== 'running' || watcher !== this.watcher) return;
    this.onError(error);
    this.watcher = undefined;
    void settle(watcher.cancel(), this.timeoutMs);
    this.scheduleResync();
  }

  private scheduleRegister(): void {
    if (this.registerTimer) return;
    this.registerTimer = setTimeout(() => {
      this.registerTimer = undefined;
      if (this.state !== 'running') return;
      this.register().then(
        () => {
          this.registerDelayMs = FIRST_RETRY_DELAY_MS;
        },
        (error: unknown) => {
          if (this.state !== 'running') return;
          this.onError(error);
          this.registerDelayMs = Math.min(this.registerDelayMs * 2, MAX_RETRY_DELAY_MS);
          this.scheduleRegister();
        },
      );
    }, this.registerDelayMs);
  }

  private scheduleResync(): void {
    if (this.resyncTimer) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      if (this.state !== 'running') return;
      this.listAndWatch().then(
        () => {
          this.resyncDelayMs = FIRST_RETRY_DELAY_MS;
          if (this.state !== 'running') void settle(this.watcher?.cancel(), this.timeoutMs);
        },
        (error: unknown) => {
          if (this.state !== 'running') return;
          this.onError(error);
          this.resyncDelayMs = Math.min(this.resyncDelayMs * 2, MAX_RETRY_DELAY_MS);
          this.scheduleResync();
        },
      );
    }, this.resyncDelayMs);
  }

  /** The member id of a key directly under the prefix, or undefined for other keys. */
  private idOf(kv: IKeyValue): string | undefined {
    const key = kv.key.toString();
    if (!key.startsWith(this.watchPrefix)) return undefined;
    const id = key.slice(this.watchPrefix.length);
    return id.length === 0 || id.includes('/') ? undefined : id;
  }

  private parse(kv: IKeyValue): Member | undefined {
    const id = this.idOf(kv);
    if (id === undefined) return undefined;
    const key = kv.key.toString();
    try {
      const record = JSON.parse(kv.value.toString()) as { address?: unknown; weight?: unknown };
      return validateMember({ id, address: record.address as string, weight: record.weight as number | undefined });
    } catch (error) {
      this.onError(new InvalidMemberRecordError(key, 'not a {"address","weight"?} JSON record', { cause: error }));
      return undefined;
    }
  }

  /** Awaits one etcd step of start/resync, bounded by the timeout, naming the step on failure. */
  private async step<T>(name: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } catch (error) {
      throw new EtcdUnavailableError(this.endpoints, name, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a watcher callback; an exception there would otherwise be rethrown by etcd3 and crash the process. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.onError(error);
    }
  }
}

/** Waits for `promise` at most `ms`; true when it resolved, false on error or timeout (errors go to `onError`). */
async function settle(promise: Promise<unknown> | undefined, ms: number, onError?: (e: unknown) => void): Promise<boolean> {
  if (!promise) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      onError?.(new Error(`etcd did not answer within ${ms} ms`));
      resolve(false);
    }, ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } catch (error) {
    onError?.(error);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)));
}
