/**
 * The object-store port: bytes by key (attachments, emoji and sticker
 * images). One port, two adapters: a directory on local disk (the default,
 * so one process needs nothing else) and any S3-compatible service. Keys
 * are ASCII paths such as `attachments/<channel>/<attachment>`; what the
 * bytes are (type, name, size limits) is the caller's business.
 */
import type { Readable } from 'node:stream';

/** A byte range, both ends inclusive (HTTP's `bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

/** What `get` answers. */
export interface StoredObject {
  /** The bytes (of the range, when one was asked for). */
  body: Readable;
  /** Size of the whole object. */
  size: number;
  /** The range served, when one was asked for. */
  range?: ByteRange;
  /** When it was written (Unix ms). */
  modifiedAt: number;
  /** The Content-Type it was written with (application/octet-stream when none was given). */
  contentType: string;
}

/** One entry of a listing. */
export interface ObjectEntry {
  key: string;
  size: number;
  /** Unix ms. */
  modifiedAt: number;
}

/** What `head` answers: an entry and its content type. */
export interface ObjectHead extends ObjectEntry {
  contentType: string;
}

/** Options of a write. */
export interface PutOptions {
  /** Sent as the object's Content-Type where the backend keeps one. */
  contentType?: string;
}

/** The object-store port. */
export interface ObjectStore {
  readonly backend: 'disk' | 's3';
  /** Writes an object whole; a reader sees either the old bytes or all of the new ones. */
  put(key: string, bytes: Buffer, options?: PutOptions): Promise<void>;
  /** Reads an object (or a range of it, clamped to its size); undefined when it does not exist. */
  get(key: string, range?: ByteRange): Promise<StoredObject | undefined>;
  /** Size and time of an object, without its bytes. */
  head(key: string): Promise<ObjectHead | undefined>;
  /** Deletes an object; deleting a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix in key order, after `after`, at most `limit` (1..1000). */
  list(prefix: string, options: { after?: string; limit: number }): Promise<ObjectEntry[]>;
  /** Releases connections. */
  close(): Promise<void>;
}
