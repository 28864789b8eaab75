import { infra, uniqueName } from '@chat/testing';
import { describe, expect, it } from 'vitest';
import { ObjectStoreUnavailableError } from './object-store-errors';
import { describeObjectStoreContract } from './object-store.contract';
import { openS3ObjectStore } from './s3-object-store';

const options = () => {
  const { s3 } = infra();
  return { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
};

describeObjectStoreContract('s3 (real SeaweedFS)', () => openS3ObjectStore({ ...options(), bucket: uniqueName('objects').toLowerCase().replace(/_/g, '-'), createBucket: true }));

describe('s3 object store', () => {
  it('refuses to open on a missing bucket unless asked to create it, and on wrong credentials', async () => {
    await expect(openS3ObjectStore({ ...options(), bucket: 'no-such-bucket-here' })).rejects.toBeInstanceOf(ObjectStoreUnavailableError);
    await expect(openS3ObjectStore({ ...options(), secretAccessKey: 'wrong', bucket: 'whatever', createBucket: true })).rejects.toBeInstanceOf(ObjectStoreUnavailableError);
  });
});
