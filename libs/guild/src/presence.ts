/** Converts the wire presence (proto) into the guild's presence record. */
import { guildV1 } from '@chat/proto';
import type { PresenceRecord } from './guild-json';

const STATUS: Record<number, PresenceRecord['status']> = {
  [guildV1.PresenceStatus.UNSPECIFIED]: 'online',
  [guildV1.PresenceStatus.ONLINE]: 'online',
  [guildV1.PresenceStatus.IDLE]: 'idle',
  [guildV1.PresenceStatus.DND]: 'dnd',
  [guildV1.PresenceStatus.INVISIBLE]: 'invisible',
  [guildV1.PresenceStatus.OFFLINE]: 'offline',
};

/** The presence record for a wire presence; malformed activities count as none. */
export function presenceRecord(presence: guildV1.Presence): PresenceRecord {
  let activities: unknown[] = [];
  if (presence.activitiesJson.length > 0) {
    try {
      const parsed: unknown = JSON.parse(presence.activitiesJson.toString('utf8'));
      if (Array.isArray(parsed)) activities = parsed;
    } catch {
      activities = [];
    }
  }
  const status = STATUS[presence.status] ?? 'online';
  return { status, activities, clientStatus: { [presence.platform || 'desktop']: status } };
}
