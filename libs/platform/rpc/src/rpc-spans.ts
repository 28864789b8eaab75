import { SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { status, type Metadata } from '@grpc/grpc-js';
import { extractTraceContext, SpanKind, startSpan, tracingEnabled } from '@chat/observability';
import { metadataCarrier } from './metadata-carrier';

/** A started RPC span and the context its call runs in. */
export interface RpcSpan {
  span: Span;
  context: Context;
}

function attributesOf(path: string): { name: string; service: string; method: string } {
  const name = path.startsWith('/') ? path.slice(1) : path;
  const slash = name.lastIndexOf('/');
  return { name, service: name.slice(0, slash), method: name.slice(slash + 1) };
}

function start(path: string, kind: SpanKind, parent: Context | undefined): RpcSpan {
  const { name, service, method } = attributesOf(path);
  return startSpan(name, { kind, parent, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } });
}

/** A CLIENT span for an outbound unary call (`chat.x.v1.Service/Method`), or undefined with tracing off. */
export function startClientSpan(path: string): RpcSpan | undefined {
  return tracingEnabled() ? start(path, SpanKind.CLIENT, undefined) : undefined;
}

/**
 * A SERVER span for an inbound unary call, child of the trace context in its
 * metadata (network and in-process calls alike), or undefined with tracing off.
 */
export function startServerSpan(path: string, metadata: Metadata, peer: string): RpcSpan | undefined {
  if (!tracingEnabled()) return undefined;
  const rpc = start(path, SpanKind.SERVER, extractTraceContext(metadataCarrier(metadata)));
  // `in-process` for calls that skipped HTTP/2.
  rpc.span.setAttribute('network.peer.address', peer);
  return rpc;
}

/** Ends an RPC span with the call's gRPC status (anything but OK marks it failed). */
export function endRpcSpan(rpc: RpcSpan | undefined, code: status, details?: string): void {
  if (!rpc) return;
  rpc.span.setAttribute('rpc.grpc.status_code', code);
  if (code !== status.OK) rpc.span.setStatus({ code: SpanStatusCode.ERROR, message: details ?? status[code] });
  rpc.span.end();
}
