#!/usr/bin/env node
// A container HEALTHCHECK through the standard gRPC health service
// (grpc.health.v1.Health/Check), for images that carry no grpcurl.
//
//   node scripts/deploy/grpc-health-probe.mjs [service] [--addr=host:port] [--timeout-ms=N]
//
// service: a fully qualified gRPC service (chat.guild.v1.GuildService); empty
// or omitted asks for the whole server, which turns SERVING once every module
// has started. The address defaults to 127.0.0.1:$CHAT_GRPC_PORT (50051).
// Exit 0 when SERVING, 1 otherwise (NOT_SERVING, unknown service, no answer).
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const args = process.argv.slice(2);
const flag = (name, fallback) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const serviceName = args.find((arg) => !arg.startsWith('--')) ?? '';
const address = flag('addr', `127.0.0.1:${process.env.CHAT_GRPC_PORT || '50051'}`);
const timeoutMs = Number(flag('timeout-ms', '3000'));

const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
const client = new Health(address, grpc.credentials.createInsecure());
client.check({ service: serviceName }, { deadline: Date.now() + timeoutMs }, (error, response) => {
  client.close();
  if (error) {
    console.error(`unhealthy: ${address} ${serviceName || '(server)'}: ${error.details || error.message}`);
    process.exit(1);
  }
  const status = response?.status;
  const serving = status === 'SERVING' || status === 1;
  console.log(`${serving ? 'healthy' : 'unhealthy'}: ${address} ${serviceName || '(server)'}: ${status}`);
  process.exit(serving ? 0 : 1);
});
