/**
 * Test fixture, run as its own process by etcd-membership.int.spec.ts: joins
 * the cluster given in the environment (ETCD_ENDPOINTS, RING_PREFIX,
 * MEMBER_ID, LEASE_TTL), prints "ready" and waits until it is killed. Lets
 * the spec kill a member with SIGKILL, so nothing revokes its lease.
 */
import { EtcdMembership } from './index';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const membership = new EtcdMembership({
  endpoints: env('ETCD_ENDPOINTS').split(','),
  prefix: env('RING_PREFIX'),
  self: { id: env('MEMBER_ID'), address: `${env('MEMBER_ID')}.test:7000` },
  leaseTtlSeconds: Number(env('LEASE_TTL')),
});
await membership.start();
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
