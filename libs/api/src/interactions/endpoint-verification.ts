/**
 * Checking an interactions endpoint before it is saved, as Discord does: a
 * signed PING must be answered with a PONG ({"type": 1}), and the same PING
 * with a wrong signature must be refused with 401, so an endpoint that does
 * not verify signatures is never accepted.
 */
import { InteractionType } from 'discord-api-types/v10';
import { invalidFormBody, treeFor } from '../errors';
import type { ResolvedDeps } from '../route-context';
import { signedPost } from './delivery';
import { newInteractionToken } from './interaction-records';

const refuse = (why: string) =>
  invalidFormBody(treeFor(['interactions_endpoint_url'], { code: 'APPLICATION_INTERACTIONS_ENDPOINT_URL_INVALID', message: `The specified interactions endpoint url could not be verified: ${why}` }));

/** Throws 50035 on `interactions_endpoint_url` unless the endpoint passes both checks. */
export async function verifyInteractionsEndpoint(deps: ResolvedDeps, applicationId: string, url: string): Promise<void> {
  const ping = JSON.stringify({ id: deps.nextId(), application_id: applicationId, type: InteractionType.Ping, token: newInteractionToken(), version: 1, user: null, entitlements: [] });
  const send = async (forge: boolean): Promise<Response> => {
    try {
      return await signedPost(deps, applicationId, url, ping, forge);
    } catch (error) {
      throw refuse(`it did not answer (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  const answer = await send(false);
  const text = await answer.text();
  let pong: unknown;
  try {
    pong = JSON.parse(text);
  } catch {
    pong = undefined;
  }
  if (!answer.ok || (pong as { type?: unknown } | undefined)?.type !== 1) throw refuse(`a signed PING got ${answer.status} ${text.slice(0, 100)}, not {"type": 1}`);
  const rejected = await send(true);
  await rejected.text();
  if (rejected.status !== 401) throw refuse(`a PING with a wrong signature got ${rejected.status}, not 401`);
}
