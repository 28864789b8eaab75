export { GrpcServer, type GrpcServerOptions } from './server';
export { createServiceClient, type ServiceClient, type ClientOptions } from './client';
export { NodeClients } from './node-clients';
export {
  serviceNameOf,
  type AsyncHandlers,
  type AsyncClient,
  type CallOptions,
  type HandlerContext,
  type UnaryHandler,
  type ServerStreamHandler,
  type ServiceShape,
  type MethodShape,
} from './handlers';
export { toGrpcStatus, fromServiceError, grpcCodeFor } from './status-map';
export { inboundDeadline, outboundDeadline } from './call-context';
export { splitDescriptorSet } from './reflection';
export { RemoteCallError, UnsupportedMethodError } from './errors';
export { notImplementedHandlers } from './not-implemented';
export { grpcHealthProbe, type HealthProbe } from './health-probe';
export { ringMembershipSchema, healthProbedMembership, type RingMembershipConfig } from './ring-membership';
export { RingClients, type RingClientsOptions } from './ring-clients';
