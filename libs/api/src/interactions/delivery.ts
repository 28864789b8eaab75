/**
 * Getting an interaction to its application and noticing when it does not
 * answer: over the gateway to the bot's session on the shard of the guild
 * (any gateway node), or signed with Ed25519 and POSTed to the
 * application's interactions endpoint, whose HTTP answer is the callback.
 * The invoking user's sessions get INTERACTION_CREATE {id, nonce} at once and
 * INTERACTION_FAILURE when nothing answered within the deadline (3 s).
 */
import { dispatchOf, sendToUsers, type ResolvedDeps } from '../route-context';
import { ApplicationKeys } from './application-keys';
import { InteractionRecords, toInvokingSession, type StoredInteraction } from './interaction-records';
import type { BuiltInteraction } from './invocation';

/** Discord's deadline for the initial response. */
export const INTERACTION_RESPONSE_DEADLINE_MS = 3_000;

/** Applies an HTTP endpoint's answer as the callback; resolves when applied (or rejects when it is not a valid callback). */
export type ApplyHttpAnswer = (interaction: StoredInteraction, answer: unknown) => Promise<void>;

/** Remembers the interaction, tells the user, delivers it, and arms the deadline. */
export async function deliverInteraction(deps: ResolvedDeps, built: BuiltInteraction, token: string, applyHttpAnswer: ApplyHttpAnswer): Promise<void> {
  const { stored, payload, bot, application } = built;
  const records = new InteractionRecords(deps.store.records);
  await records.create(stored, token);
  const ack = { id: stored.id, nonce: stored.nonce };
  await sendToUsers(deps, [stored.userId], dispatchOf('INTERACTION_CREATE', ack, toInvokingSession(stored)));
  const deadline = setTimeout(() => void expire(deps, records, stored), deps.interactionDeadlineMs);
  deadline.unref();
  const withToken = { ...payload, token };
  const endpoint = await new ApplicationKeys(deps.store.records).endpoint(application.id);
  if (endpoint === null) {
    await sendToUsers(deps, [bot.id], dispatchOf('INTERACTION_CREATE', withToken, stored.guildId ? { shardGuildId: stored.guildId } : {}));
    return;
  }
  // The HTTP exchange runs on its own; the user has their answer (204) already, as with the gateway.
  void postToEndpoint(deps, application.id, endpoint, withToken)
    .then((answer) => (answer === undefined ? undefined : applyHttpAnswer(stored, answer)))
    .catch((error: unknown) => deps.logger.warn({ err: error, applicationId: application.id, interactionId: stored.id }, 'interactions endpoint did not answer with a valid callback'));
}

async function expire(deps: ResolvedDeps, records: InteractionRecords, interaction: StoredInteraction): Promise<void> {
  try {
    if (await records.fail(interaction.id)) {
      await sendToUsers(deps, [interaction.userId], dispatchOf('INTERACTION_FAILURE', { id: interaction.id, nonce: interaction.nonce, reason: 'The application did not respond' }, toInvokingSession(interaction)));
    }
  } catch (error) {
    deps.logger.warn({ err: error, interactionId: interaction.id }, 'could not expire an interaction');
  }
}

/**
 * POSTs `text` to an interactions endpoint as Discord does: Ed25519 over
 * timestamp + body with the application's key, Discord's user agent, no
 * redirects, the response deadline. `forge` flips the signature's first
 * digit (the endpoint check's second PING).
 */
export async function signedPost(deps: ResolvedDeps, applicationId: string, url: string, text: string, forge = false): Promise<Response> {
  const timestamp = String(Math.floor(deps.clock() / 1000));
  const signature = await new ApplicationKeys(deps.store.records).sign(applicationId, timestamp, text);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
      'x-signature-ed25519': forge ? signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) : signature,
      'x-signature-timestamp': timestamp,
    },
    body: text,
    redirect: 'error',
    signal: AbortSignal.timeout(deps.interactionDeadlineMs),
  });
}

/**
 * POSTs an interaction to its application's endpoint; the parsed JSON
 * answer, or undefined for an empty 2xx (the application answers through the
 * REST callback instead). Rejects on a non-2xx answer, bad JSON or the deadline.
 */
export async function postToEndpoint(deps: ResolvedDeps, applicationId: string, url: string, body: unknown): Promise<unknown> {
  const response = await signedPost(deps, applicationId, url, JSON.stringify(body));
  const answer = await response.text();
  if (!response.ok) throw new Error(`interactions endpoint answered ${response.status}`);
  if (answer.trim() === '') return undefined;
  return JSON.parse(answer) as unknown;
}
