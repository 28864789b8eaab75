import type { LocalSession, LocalSessions } from '../relay/local-sessions';

/** The sessions held by this gateway node, by id and by user: the relay's and GatewayService's view. */
export class SessionRegistry implements LocalSessions {
  private readonly byId = new Map<string, LocalSession>();
  private readonly byUser = new Map<string, Set<LocalSession>>();

  /** Adds a session. */
  add(session: LocalSession): void {
    this.byId.set(session.sessionId, session);
    let set = this.byUser.get(session.userId);
    if (!set) this.byUser.set(session.userId, (set = new Set()));
    set.add(session);
  }

  /** Removes a session (idempotent). */
  remove(sessionId: string): void {
    const session = this.byId.get(sessionId);
    if (!session) return;
    this.byId.delete(sessionId);
    const set = this.byUser.get(session.userId);
    set?.delete(session);
    if (set?.size === 0) this.byUser.delete(session.userId);
  }

  get(sessionId: string): LocalSession | undefined {
    return this.byId.get(sessionId);
  }

  forUser(userId: string): readonly LocalSession[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  /** Every session. */
  all(): LocalSession[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}
