import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DescriptorSetMissingError } from './errors';

/**
 * Absolute path of the binary `google.protobuf.FileDescriptorSet` that
 * `buf build` writes for every package in proto/ and its imports
 * (google/protobuf/timestamp.proto), in dependency order, without source
 * info. gRPC server reflection serves it.
 */
export const descriptorSetPath: string = fileURLToPath(new URL('./descriptors/chat.binpb', import.meta.url));

/**
 * Reads the descriptor set at {@link descriptorSetPath}; a fresh Buffer on
 * every call, so callers may keep or change it.
 *
 * @throws DescriptorSetMissingError when the file cannot be read
 */
export function loadDescriptorSet(): Buffer {
  try {
    return readFileSync(descriptorSetPath);
  } catch (cause) {
    throw new DescriptorSetMissingError(descriptorSetPath, { cause });
  }
}
