/**
 * Checking an interactions endpoint before it is saved, as Discord does: a
 * signed PING must be answered with a PONG ({"type": 1}), and the same PING
 * with a wrong signature must be refused with 401, so an endpoint that does
 * not verify signatures is never accepted.
 */
import { InteractionType } from 'discord-api-types/v10';
import { invalidFormBody, treeFor } from '../errors';
import type { ResolvedDeps } from '../route-context';
import { ApplicationKeys } from './application-keys';
import { newInteractionToken } from './interaction-records';

const refuse = (why: string) =>
  invalidFormBody(treeFor(['interactions_endpoint_url'], { code: 'APPLICATION_INTERACTIONS_ENDPOINT_URL_INVALID', message: `The specified interactions endpoint url could not be verified: ${why}` }));

/** Throws 50035 on `interactions_endpoint_url` unless the endpoint passes both checks. */
export async function verifyInteractionsEndpoint(deps: ResolvedDeps, applicationId: string, url: string): Promise<void> {
  const ping = JSON.stringify({ id: deps.nextId(), application_id: applicationId, type: InteractionType.Ping, token: newInteractionToken(), version: 1, user: null, entitlements: [] });
  const timestamp = String(Math.floor(deps.clock() / 1000));
  const keys = new ApplicationKeys(deps.store.records);
  const good = await keys.sign(applicationId, timestamp, ping);
  const forged = good.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  const send = async (signature: string): Promise<Response> => {
    try {
      return await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
        body: ping,
        redirect: 'error',
        signal: AbortSignal.timeout(deps.interactionDeadlineMs),
      });
    } catch (error) {
      throw refuse(`it did not answer (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  const answer = await send(good);
  const text = await answer.text();
  let pong: unknown;
  try {
    pong = JSON.parse(text);
  } catch {
    pong = undefined;
  }
  if (!answer.ok || (pong as { type?: unknown } | undefined)?.type !== 1) throw refuse(`a signed PING got ${answer.status} ${text.slice(0, 100)}, not {"type": 1}`);
  const rejected = await send(forged);
  await rejected.text();
  if (rejected.status !== 401) throw refuse(`a PING with a wrong signature got ${rejected.status}, not 401`);
}
