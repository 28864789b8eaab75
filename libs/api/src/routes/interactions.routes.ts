/** Interactions: a user invokes an application; the application gives its initial response. */
import { InteractionRecords, newInteractionToken } from '../interactions/interaction-records';
import { applyCallback } from '../interactions/callback';
import { deliverInteraction } from '../interactions/delivery';
import { buildInteraction } from '../interactions/invocation';
import { DiscordErrors } from '../errors';
import { noContent, type HttpMethod, type RouteDefinition } from '../route-context';
import { snowflakeParam } from '../validation';

/** The interaction routes. */
export function interactionRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [
    [
      // What a user's client sends to run a command, press a button, choose in a select or submit a modal.
      'POST',
      '/interactions',
      {
        auth: 'required',
        bucket: 'interactions.create',
        callers: 'users',
        handler: async ({ deps, caller, body }) => {
          const built = await buildInteraction(deps, caller, body);
          await deliverInteraction(deps, built, newInteractionToken(), async (interaction, answer) => void (await applyCallback(deps, interaction, answer, false)));
          return noContent();
        },
      },
    ],
    [
      'POST',
      '/interactions/:interactionId/:interactionToken/callback',
      {
        auth: 'none',
        bucket: 'interactions.callback',
        major: 'interactionId',
        uploads: true,
        handler: async ({ deps, params, body, query, files }) => {
          const id = snowflakeParam(params.interactionId, 'interaction_id');
          const interaction = await new InteractionRecords(deps.store.records).byToken(params.interactionToken ?? '');
          if (!interaction || interaction.id !== id) throw DiscordErrors.unknownInteraction();
          return applyCallback(deps, interaction, body, query.get('with_response') === 'true', files);
        },
      },
    ],
  ];
}
