import { loadPackageDefinition, credentials, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GrpcServer } from './server';
import { splitDescriptorSet } from './reflection';
import { echoService } from './test-service';
import { notImplementedHandlers } from './not-implemented';

const require = createRequire(import.meta.url);

/** Asks the reflection service one question over a bidi stream and returns the answer. */
function reflect(address: string, request: object): Promise<Record<string, any>> {
  const protoPath = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
  const loaded = loadPackageDefinition(loadSync(protoPath, { keepCase: false, longs: String, defaults: true, oneofs: true })) as any;
  const client = new loaded.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo();
    call.on('data', (response: Record<string, any>) => {
      resolve(response);
      call.end();
      client.close();
    });
    call.on('error', (error: ServiceError) => reject(error));
    call.write(request);
  });
}

describe('reflection', () => {
  const standard = readFileSync(new URL('./descriptors/grpc-standard.binpb', import.meta.url));

  it('splits a descriptor set into its files', () => {
    const files = splitDescriptorSet(standard);
    expect(files).toHaveLength(3);
    expect(files.map((file) => file.toString('latin1'))).toEqual([
      expect.stringContaining('grpc/health/v1/health.proto'),
      expect.stringContaining('grpc/reflection/v1/reflection.proto'),
      expect.stringContaining('grpc/reflection/v1alpha/reflection.proto'),
    ]);
  });

  it('lists only registered services plus health and reflection, and serves their files', async () => {
    const server = new GrpcServer({ descriptorSet: new Uint8Array() });
    server.addService(echoService, notImplementedHandlers(echoService, 'test'));
    const port = await server.listen('127.0.0.1', 0);
    const address = `127.0.0.1:${port}`;
    // test.v1.EchoService has no descriptor in the set: reflection lists what the set describes.
    const listed = await reflect(address, { listServices: '' });
    expect(listed['listServicesResponse'].service.map((s: { name: string }) => s.name).sort()).toEqual([
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ]);
    const file = await reflect(address, { fileContainingSymbol: 'grpc.health.v1.Health' });
    const protos: Buffer[] = file['fileDescriptorResponse'].fileDescriptorProto;
    expect(protos.length).toBeGreaterThan(0);
    expect(Buffer.from(protos[0]!).toString('latin1')).toContain('grpc.health.v1');
    await server.stop(100);
  });
});
