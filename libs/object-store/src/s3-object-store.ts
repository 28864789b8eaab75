/**
 * ObjectStore on any S3-compatible service through the AWS SDK v3 client
 * (path-style addressing by default, which self-hosted services need). A
 * range read asks for the object's size first, so a range past the end is
 * refused the same way on both adapters.
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { ObjectStoreUnavailableError } from './object-store-errors';
import { checkObjectKey, checkObjectPrefix, clampRange } from './object-keys';
import type { ByteRange, ObjectEntry, ObjectHead, ObjectStore, PutOptions, StoredObject } from './object-store.port';

/** Where the bucket is and how to sign for it. */
export interface S3ObjectStoreOptions {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`endpoint/bucket/key`); default true. */
  forcePathStyle?: boolean;
  /** Create the bucket when it does not exist (default false: it must). */
  createBucket?: boolean;
}

const DEFAULT_TYPE = 'application/octet-stream';
/**
 * The type as written, kept in user metadata too: some S3 servers (SeaweedFS)
 * replace application/octet-stream with a type they sniff themselves.
 */
const TYPE_METADATA = 'chat-content-type';
const typeOf = (answer: { Metadata?: Record<string, string>; ContentType?: string }) => answer.Metadata?.[TYPE_METADATA] ?? answer.ContentType ?? DEFAULT_TYPE;

const notFound = (error: unknown) => error instanceof S3ServiceException && (error.$metadata.httpStatusCode === 404 || error.name === 'NotFound' || error.name === 'NoSuchKey');

/** Connects and checks the bucket answers (creating it when asked). */
export async function openS3ObjectStore(options: S3ObjectStoreOptions): Promise<ObjectStore> {
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    forcePathStyle: options.forcePathStyle ?? true,
  });
  try {
    await client.send(new HeadBucketCommand({ Bucket: options.bucket }));
  } catch (error) {
    if (!(notFound(error) && options.createBucket)) {
      client.destroy();
      throw new ObjectStoreUnavailableError(`bucket ${options.bucket} at ${options.endpoint}`, error);
    }
    await client.send(new CreateBucketCommand({ Bucket: options.bucket }));
  }
  return new S3ObjectStore(client, options.bucket);
}

class S3ObjectStore implements ObjectStore {
  readonly backend = 's3';

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, bytes: Buffer, options?: PutOptions): Promise<void> {
    const contentType = options?.contentType ?? DEFAULT_TYPE;
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: checkObjectKey(key), Body: bytes, ContentLength: bytes.length, ContentType: contentType, Metadata: { [TYPE_METADATA]: contentType } }));
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject | undefined> {
    let served: ByteRange | undefined;
    if (range) {
      const entry = await this.head(key);
      if (!entry) return undefined;
      served = clampRange(range, entry.size);
    }
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: checkObjectKey(key), ...(served ? { Range: `bytes=${served.start}-${served.end}` } : {}) }));
      const total = served ? Number(/\/(\d+)$/.exec(answer.ContentRange ?? '')?.[1] ?? NaN) : Number(answer.ContentLength);
      return {
        body: answer.Body as Readable,
        size: total,
        modifiedAt: answer.LastModified?.getTime() ?? 0,
        contentType: typeOf(answer),
        ...(served ? { range: served } : {}),
      };
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: checkObjectKey(key) }));
      return { key, size: Number(answer.ContentLength), modifiedAt: answer.LastModified?.getTime() ?? 0, contentType: typeOf(answer) };
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkObjectKey(key) }));
  }

  async list(prefix: string, options: { after?: string; limit: number }): Promise<ObjectEntry[]> {
    const answer = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: checkObjectPrefix(prefix), MaxKeys: Math.max(1, Math.min(1000, options.limit)), ...(options.after ? { StartAfter: options.after } : {}) }),
    );
    return (answer.Contents ?? []).map((o) => ({ key: o.Key ?? '', size: Number(o.Size ?? 0), modifiedAt: o.LastModified?.getTime() ?? 0 }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
