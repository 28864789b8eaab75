import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, it } from 'vitest';

import { infra } from './endpoints';
import { uniqueName } from './unique-name';

describe('etcd (real member)', () => {
  const { etcd: endpoint } = infra();
  const client = new Etcd3({ hosts: endpoint.endpoints });
  const prefix = `${uniqueName('smoke')}/`;

  afterAll(async () => {
    await client.delete().prefix(prefix);
    client.close();
  });

  it('puts and gets a key', async () => {
    await client.put(`${prefix}ring/node-1`).value('127.0.0.1:50051');
    expect(await client.get(`${prefix}ring/node-1`).string()).toBe('127.0.0.1:50051');
    expect(await client.getAll().prefix(`${prefix}ring/`).keys()).toEqual([`${prefix}ring/node-1`]);
  });

  it('drops a leased key when the lease is revoked', async () => {
    const lease = client.lease(30, { autoKeepAlive: false });
    await lease.put(`${prefix}members/node-2`).value('alive');
    expect(await client.get(`${prefix}members/node-2`).string()).toBe('alive');
    expect(await lease.grant()).toMatch(/^\d+$/);

    await lease.revoke();
    expect(await client.get(`${prefix}members/node-2`).string()).toBeNull();
  });

  it('deletes a leased key when the lease expires, seen by a watcher', async () => {
    const key = `${prefix}members/node-3`;
    const watcher = await client.watch().key(key).create();
    const deleted = new Promise<string>((resolve) => watcher.on('delete', (kv) => resolve(kv.key.toString())));
    const lease = client.lease(1, { autoKeepAlive: false });
    await lease.put(key).value('alive');

    expect(await deleted).toBe(key);
    expect(await client.get(key).string()).toBeNull();
    await watcher.cancel();
  });
});
