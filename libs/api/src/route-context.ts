/**
 * What a route handler receives and returns, and the helpers every route
 * shares: sending dispatches (serialised once) and resolving users.
 */
import type { CdnSigner } from './attachments/cdn-signing';
import type { UploadedFile } from './attachments/multipart';
import type { IncomingMessage } from 'node:http';
import type { StoredUser, TokenKind } from '@chat/store';
import type { RestDeps, RestDispatch, RestLogger } from './rest-deps';
import type { SlowmodeTracker } from './slowmode';

/** HTTP methods the API serves. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Dependencies with their defaults filled in. */
export type ResolvedDeps = Required<Omit<RestDeps, 'attachUserToGuild' | 'logger' | 'readStates' | 'voice'>> & Pick<RestDeps, 'attachUserToGuild' | 'readStates' | 'voice'> & { logger: RestLogger; slowmode: SlowmodeTracker; signer: CdnSigner };

/** The authenticated caller. */
export interface Caller {
  user: StoredUser;
  kind: TokenKind;
}

/** One request as a handler sees it. */
export interface RouteContext {
  deps: ResolvedDeps;
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body ({} when empty); for a multipart request, its payload_json (or its plain fields). */
  body: unknown;
  /** Files of a multipart request (only on routes with `uploads`). */
  files: readonly UploadedFile[];
  /** The caller; set on every route with auth 'required'. */
  caller: Caller | undefined;
}

/** A handler's answer. 204 (or a missing body) sends no content. */
export interface RouteResult {
  status: number;
  body?: unknown;
}

/** A route handler. */
export type RouteHandler = (ctx: RouteContext & { caller: Caller }) => Promise<RouteResult>;

/** A route handler that may run without a caller. */
export type PublicRouteHandler = (ctx: RouteContext) => Promise<RouteResult>;

/**
 * A route's definition. `callers` limits an authenticated route to one kind
 * of token, as Discord does: 'users' answers a bot 403 (20001 "Bots cannot
 * use this endpoint"), 'bots' answers a user 403 (20002 "Only bots can use
 * this endpoint"); unset, both may call it. `uploads` lets a multipart
 * request carry files (elsewhere a file part is refused with 50035).
 */
export type RouteDefinition =
  | { auth: 'required'; bucket: string; major?: string; callers?: 'users' | 'bots'; uploads?: boolean; handler: RouteHandler }
  | { auth: 'none' | 'optional'; bucket: string; major?: string; uploads?: boolean; handler: PublicRouteHandler };

/** 200 with a body. */
export const ok = (body: unknown): RouteResult => ({ status: 200, body });
/** 201 with a body. */
export const created = (body: unknown): RouteResult => ({ status: 201, body });
/** 204 no content. */
export const noContent = (): RouteResult => ({ status: 204 });

/** Builds a dispatch from a payload, serialising it once. */
export function dispatchOf(type: string, payload: unknown, extra: Omit<RestDispatch, 'type' | 'payloadJson'> = {}): RestDispatch {
  return { type, payloadJson: JSON.stringify(payload), ...extra };
}

/**
 * Publishes to a guild after a write succeeded. A failed publish is logged,
 * not returned to the client: the write is done and the guild's state is
 * re-read from the store on the next activation.
 */
export async function publishToGuild(deps: ResolvedDeps, guildId: string, dispatch: RestDispatch): Promise<void> {
  try {
    await deps.publishGuildEvent(guildId, dispatch);
  } catch (error) {
    deps.logger.warn({ err: error, guildId, type: dispatch.type }, 'publishGuildEvent failed');
  }
}

/** Sends a dispatch to users; failures are logged, as for publishToGuild. */
export async function sendToUsers(deps: ResolvedDeps, userIds: readonly string[], dispatch: RestDispatch): Promise<void> {
  if (userIds.length === 0) return;
  try {
    await deps.dispatchToUsers(userIds, dispatch);
  } catch (error) {
    deps.logger.warn({ err: error, userIds, type: dispatch.type }, 'dispatchToUsers failed');
  }
}

/** Users by id, as a map (missing ids are left out). */
export async function usersById(deps: ResolvedDeps, userIds: readonly string[]): Promise<Map<string, StoredUser>> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return new Map();
  const users = await deps.store.users.getUsers(unique);
  return new Map(users.map((user) => [user.id, user]));
}
