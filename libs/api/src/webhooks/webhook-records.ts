/**
 * Channel webhooks, kept as records (@chat/store RecordStore):
 *
 *   webhooks          (webhook id)  "w" -> the webhook (its token only as a SHA-256 hash)
 *   channel_webhooks  (channel id)  webhook id -> ""
 *   guild_webhooks    (guild id)    webhook id -> ""
 */
import { hashToken, type RecordStore } from '@chat/store';
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A stored webhook. */
export interface StoredWebhook {
  id: string;
  /** 1 incoming (the only kind this server makes). */
  type: 1;
  guildId: string;
  channelId: string;
  name: string;
  avatar: string | null;
  creatorId: string;
  tokenHash: string;
}

/** A new webhook token: 68 base64url characters (51 random bytes), shown once at creation. */
export function newWebhookToken(): string {
  return randomBytes(51).toString('base64url');
}

/** Typed access to the webhook records. */
export class WebhookRecords {
  constructor(private readonly records: RecordStore) {}

  async get(webhookId: string): Promise<StoredWebhook | undefined> {
    const value = await this.records.get('webhooks', webhookId, 'w');
    return value === undefined ? undefined : (JSON.parse(value) as StoredWebhook);
  }

  /** True when `token` is the webhook's (compared by hash, in constant time). */
  tokenMatches(webhook: StoredWebhook, token: string): boolean {
    const given = Buffer.from(hashToken(token), 'hex');
    const stored = Buffer.from(webhook.tokenHash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored);
  }

  async save(webhook: StoredWebhook, previousChannelId?: string): Promise<void> {
    await this.records.put('webhooks', webhook.id, 'w', JSON.stringify(webhook));
    await this.records.put('channel_webhooks', webhook.channelId, webhook.id, '');
    await this.records.put('guild_webhooks', webhook.guildId, webhook.id, '');
    if (previousChannelId && previousChannelId !== webhook.channelId) await this.records.delete('channel_webhooks', previousChannelId, webhook.id);
  }

  async remove(webhook: StoredWebhook): Promise<void> {
    await this.records.delete('channel_webhooks', webhook.channelId, webhook.id);
    await this.records.delete('guild_webhooks', webhook.guildId, webhook.id);
    await this.records.delete('webhooks', webhook.id, 'w');
  }

  async ofChannel(channelId: string): Promise<StoredWebhook[]> {
    return this.load((await this.records.list('channel_webhooks', channelId)).map((r) => r.key));
  }

  async ofGuild(guildId: string): Promise<StoredWebhook[]> {
    return this.load((await this.records.list('guild_webhooks', guildId)).map((r) => r.key));
  }

  private async load(ids: readonly string[]): Promise<StoredWebhook[]> {
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found.filter((w): w is StoredWebhook => w !== undefined);
  }
}
