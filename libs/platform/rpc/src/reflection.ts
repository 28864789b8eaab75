import type { Server, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/**
 * Splits a serialized FileDescriptorSet (as `buf build` writes it) into the
 * serialized FileDescriptorProto of each file, unchanged. Reflection clients
 * such as grpcurl get the exact bytes buf produced, not a re-encoding by
 * proto-loader (which they reject).
 */
export function splitDescriptorSet(set: Uint8Array): Buffer[] {
  const reader = new BinaryReader(set);
  const files: Buffer[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) files.push(Buffer.from(reader.bytes()));
    else reader.skip(wireType);
  }
  return files;
}

type Capture = Map<string, UntypedServiceImplementation>;

function captureImplementations(service: ReflectionService): { definitions: ServiceDefinition[]; impls: Capture } {
  const definitions: ServiceDefinition[] = [];
  const impls: Capture = new Map();
  service.addToServer({
    addService: (definition: ServiceDefinition, impl: UntypedServiceImplementation) => {
      definitions.push(definition);
      const first = Object.values(definition)[0];
      if (first) impls.set(first.path, impl);
    },
  });
  return { definitions, impls };
}

/**
 * Adds gRPC server reflection (v1 and v1alpha) fed by the real descriptor set.
 * It lists only the services this server actually registered, so a
 * single-service deployment does not advertise the other five; the index is
 * rebuilt when a service is added.
 */
export function addReflection(server: Pick<Server, 'addService'>, descriptorSet: Uint8Array, registered: () => string[]): void {
  const packageDefinition = { descriptors: { fileDescriptorProtos: splitDescriptorSet(descriptorSet) } };
  let cachedFor = '';
  let cached: Capture | undefined;
  const current = (): Capture => {
    const names = registered();
    const key = names.join(',');
    if (!cached || key !== cachedFor) {
      // The reflection service itself is not in our descriptor set; grpcurl lists it from its own knowledge.
      const service = new ReflectionService(packageDefinition as never, { services: names });
      cached = captureImplementations(service).impls;
      cachedFor = key;
    }
    return cached;
  };
  const template = captureImplementations(new ReflectionService(packageDefinition as never, { services: [] }));
  for (const definition of template.definitions) {
    const first = Object.values(definition)[0];
    if (!first) continue;
    const path = first.path;
    server.addService(definition, {
      ServerReflectionInfo: (call: unknown) => {
        const impl = current().get(path);
        (impl?.['ServerReflectionInfo'] as (call: unknown) => void)(call);
      },
    });
  }
}
