import { createHash, randomBytes } from 'node:crypto';

import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { infra } from './endpoints';
import { uniqueName } from './unique-name';

/** The error an S3 call rejected with (fails the test when it resolved). */
async function s3Error(call: Promise<unknown>): Promise<S3ServiceException> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3ServiceException);
  return error as S3ServiceException;
}

describe('S3 object store (real SeaweedFS gateway, SigV4)', () => {
  const { s3 } = infra();
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
  });
  // Bucket names allow [a-z0-9-] (no underscores), 3 to 63 characters.
  const bucket = uniqueName('smoke').replace(/_/g, '-');
  const key = 'attachments/123/hello world.bin';
  const body = randomBytes(100_000);

  beforeAll(async () => {
    const created = await client.send(new CreateBucketCommand({ Bucket: bucket }));
    expect(created.$metadata.httpStatusCode).toBe(200);
  });

  afterAll(async () => {
    // Only does something when a test failed half-way.
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    client.destroy();
  });

  it('lists the new bucket', async () => {
    const { Buckets } = await client.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toContain(bucket);
  });

  it('puts an object and gets it back whole', async () => {
    const put = await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/octet-stream' }),
    );
    expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);

    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(got.$metadata.httpStatusCode).toBe(200);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('gets a byte range: 206 with exactly those bytes', async () => {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=1000-4999' }));
    expect(got.$metadata.httpStatusCode).toBe(206);
    expect(got.ContentRange).toBe(`bytes 1000-4999/${body.length}`);
    expect(got.ContentLength).toBe(4000);
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.equals(body.subarray(1000, 5000))).toBe(true);

    const tail = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=-10' }));
    expect(tail.$metadata.httpStatusCode).toBe(206);
    expect(Buffer.from(await tail.Body!.transformToByteArray()).equals(body.subarray(body.length - 10))).toBe(true);
  });

  it('heads the object', async () => {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.ContentLength).toBe(body.length);
    expect(head.ContentType).toBe('application/octet-stream');
    expect(head.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
  });

  it('refuses a request signed with a wrong secret, and an unknown access key', async () => {
    const forged = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: `${s3.secretAccessKey}-wrong` },
      forcePathStyle: true,
      maxAttempts: 1,
    });
    const stranger = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      credentials: { accessKeyId: 'nobody-we-know', secretAccessKey: s3.secretAccessKey },
      forcePathStyle: true,
      maxAttempts: 1,
    });
    try {
      const badSecret = await s3Error(forged.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
      expect(badSecret.$metadata.httpStatusCode).toBe(403);
      expect(badSecret.name).toBe('SignatureDoesNotMatch');

      const overwrite = await s3Error(forged.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' })));
      expect(overwrite.$metadata.httpStatusCode).toBe(403);

      const badKey = await s3Error(stranger.send(new ListBucketsCommand({})));
      expect(badKey.$metadata.httpStatusCode).toBe(403);
      expect(badKey.name).toBe('InvalidAccessKeyId');
    } finally {
      forged.destroy();
      stranger.destroy();
    }
    // The refused overwrite changed nothing.
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(body.length);
  });

  it('does not create a bucket on upload (NoSuchBucket, like S3)', async () => {
    const missing = uniqueName('missing').replace(/_/g, '-');
    const error = await s3Error(client.send(new PutObjectCommand({ Bucket: missing, Key: 'k', Body: 'x' })));
    expect(error.name).toBe('NoSuchBucket');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('deletes the object, then the bucket', async () => {
    const deleted = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const gone = await s3Error(client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    expect(gone.$metadata.httpStatusCode).toBe(404);

    const dropped = await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    expect(dropped.$metadata.httpStatusCode).toBe(204);
    const noBucket = await s3Error(client.send(new HeadBucketCommand({ Bucket: bucket })));
    expect(noBucket.$metadata.httpStatusCode).toBe(404);
  });
});
