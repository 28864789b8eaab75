import { InvalidRingArgumentError } from './errors';
import { type Member, MemberSet, type Membership, type MembershipListener, validateMember } from './membership';

/**
 * Membership from configuration: a fixed list, for `--target=all` (one node)
 * and for deployments without etcd. `update()` replaces the list (e.g. on a
 * config reload) and publishes the difference.
 */
export class StaticMembership implements Membership {
  private readonly set: MemberSet;

  /**
   * @param members the configured members; ids must be unique.
   * @param onError receives errors thrown by subscribers (default: `process.emitWarning`).
   * @throws {InvalidRingArgumentError} on an invalid member or a repeated id.
   */
  constructor(members: Iterable<Member>, onError: (error: unknown) => void = warn) {
    this.set = new MemberSet(onError);
    this.set.replace(checked(members));
  }

  /** The configured members, sorted by id. Available before `start()`. */
  members(): readonly Member[] {
    return this.set.list();
  }

  /** Calls `listener` on every `update()` that changes the list. */
  subscribe(listener: MembershipListener): () => void {
    return this.set.subscribe(listener);
  }

  /** Nothing to connect to: resolves at once. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to release: resolves at once. */
  stop(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Replaces the list and publishes joined / left / updated members.
   *
   * @throws {InvalidRingArgumentError} on an invalid member or a repeated id.
   */
  update(members: Iterable<Member>): void {
    this.set.replace(checked(members));
  }
}

function checked(members: Iterable<Member>): Member[] {
  const out: Member[] = [];
  const ids = new Set<string>();
  for (const member of members) {
    const m = validateMember(member);
    if (ids.has(m.id)) throw new InvalidRingArgumentError('members', m.id, 'unique member ids');
    ids.add(m.id);
    out.push(m);
  }
  return out;
}

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : new Error(String(error)));
}
