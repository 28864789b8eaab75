/** Every route of the API, in match order (literal segments before parameters). */
import type { HttpMethod } from '../route-context';
import type { RouteDefinition } from '../route-context';
import { accountRoutes } from './accounts.routes';
import { applicationRoutes } from './applications.routes';
import { channelRoutes } from './channels.routes';
import { commandRoutes } from './commands.routes';
import { interactionRoutes } from './interactions.routes';
import { webhookRoutes } from './webhooks.routes';
import { pinRoutes } from './pins.routes';
import { reactionRoutes } from './reactions.routes';
import { emojiRoutes } from './emojis.routes';
import { stickerRoutes } from './stickers.routes';
import { pollRoutes } from './polls.routes';
import { guildRoutes } from './guilds.routes';
import { inviteRoutes } from './invites.routes';
import { memberRoutes } from './members.routes';
import { messageRoutes } from './messages.routes';
import { searchRoutes } from './search.routes';
import { readStateRoutes } from './read-states.routes';

/** All routes. */
export function allRoutes(): [HttpMethod, string, RouteDefinition][] {
  return [...accountRoutes(), ...applicationRoutes(), ...commandRoutes(), ...guildRoutes(), ...memberRoutes(), ...channelRoutes(), ...inviteRoutes(), ...messageRoutes(), ...searchRoutes(), ...readStateRoutes(), ...interactionRoutes(), ...webhookRoutes(), ...pinRoutes(), ...reactionRoutes(), ...emojiRoutes(), ...stickerRoutes(), ...pollRoutes()];
}
