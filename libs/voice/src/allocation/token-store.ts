import { randomBytes } from 'node:crypto';

/** What a voice token was issued for. */
export interface SeatClaim {
  readonly guildId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly sessionId: string;
}

/** A token as AllocateServer hands it out. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** Why {@link TokenStore.consume} refused a token. */
export type TokenRefusal = 'unknown' | 'expired' | 'mismatch';

interface Entry {
  readonly token: string;
  readonly claim: SeatClaim;
  readonly expiresAtMs: number;
}

/**
 * Single-use voice tokens: 24 random bytes (base64url), bound to one
 * (guild, channel, user, session), valid for `ttlMs`. One live token per
 * (user, session): issuing again replaces the previous one. Expired entries
 * are swept whenever a token is issued, so the map stays bounded by the live
 * sessions.
 */
export class TokenStore {
  private readonly byToken = new Map<string, Entry>();
  private readonly bySession = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Issues a fresh token for the claim, revoking the session's previous one. */
  issue(claim: SeatClaim): IssuedToken {
    this.sweep();
    this.dropSession(sessionKey(claim.userId, claim.sessionId));
    const token = randomBytes(24).toString('base64url');
    const entry: Entry = { token, claim, expiresAtMs: this.now() + this.ttlMs };
    this.byToken.set(token, entry);
    this.bySession.set(sessionKey(claim.userId, claim.sessionId), entry);
    return { token, expiresAt: new Date(entry.expiresAtMs) };
  }

  /**
   * Checks a token against what the client claims in IDENTIFY and, when it
   * matches, consumes it. A refused token stays usable until it expires (a
   * client that sent the wrong session id cannot burn someone else's seat).
   */
  consume(token: string, claimed: { guildId: string; userId: string; sessionId: string }): SeatClaim | TokenRefusal {
    const entry = this.byToken.get(token);
    if (!entry) return 'unknown';
    if (this.now() >= entry.expiresAtMs) {
      this.remove(entry);
      return 'expired';
    }
    const { claim } = entry;
    if (claim.guildId !== claimed.guildId || claim.userId !== claimed.userId || claim.sessionId !== claimed.sessionId) return 'mismatch';
    this.remove(entry);
    return claim;
  }

  /** Revokes the unused tokens of a user in a guild (one session, or all when `sessionId` is empty); returns how many. */
  revoke(guildId: string, userId: string, sessionId: string): SeatClaim[] {
    const revoked: SeatClaim[] = [];
    for (const entry of [...this.bySession.values()]) {
      const { claim } = entry;
      if (claim.guildId !== guildId || claim.userId !== userId) continue;
      if (sessionId !== '' && claim.sessionId !== sessionId) continue;
      this.remove(entry);
      if (this.now() < entry.expiresAtMs) revoked.push(claim);
    }
    return revoked;
  }

  /** The live (unexpired, unused) token of a session, if any. */
  pending(userId: string, sessionId: string): SeatClaim | undefined {
    const entry = this.bySession.get(sessionKey(userId, sessionId));
    return entry && this.now() < entry.expiresAtMs ? entry.claim : undefined;
  }

  /** Number of tokens held (expired ones until the next sweep). */
  get size(): number {
    return this.byToken.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const entry of [...this.byToken.values()]) if (now >= entry.expiresAtMs) this.remove(entry);
  }

  private dropSession(key: string): void {
    const entry = this.bySession.get(key);
    if (entry) this.remove(entry);
  }

  private remove(entry: Entry): void {
    this.byToken.delete(entry.token);
    const key = sessionKey(entry.claim.userId, entry.claim.sessionId);
    if (this.bySession.get(key) === entry) this.bySession.delete(key);
  }
}

function sessionKey(userId: string, sessionId: string): string {
  return `${userId}/${sessionId}`;
}
