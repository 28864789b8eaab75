/**
 * Thrown by {@link loadDescriptorSet} when the generated descriptor set file
 * cannot be read (for example a bundle that did not copy
 * `descriptors/chat.binpb` next to the code). Run `npm run proto` to
 * regenerate it in a checkout.
 */
export class DescriptorSetMissingError extends Error {
  override readonly name = 'DescriptorSetMissingError';

  /**
   * @param path - absolute path that was read
   * @param options - `cause`: the file system error
   */
  constructor(
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`gRPC descriptor set not readable at ${path}; run \`npm run proto\` to regenerate it`, options);
  }
}
