import { status, type Metadata, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import { context as otelContext, type Context as OtelContext } from '@opentelemetry/api';
import { CancelledError, DeadlineExceededError } from '@chat/errors';
import { extractTraceContext, type Logger } from '@chat/observability';
import { runInCallScope } from './call-context';
import type { HandlerContext, ServerStreamHandler, UnaryHandler } from './handlers';
import { metadataCarrier } from './metadata-carrier';
import { toGrpcStatus } from './status-map';
import { endRpcSpan, startServerSpan } from './rpc-spans';

/** Observes each finished call (for the request-duration histogram). */
export type CallObserver = (method: string, code: status, seconds: number) => void;

interface Call {
  metadata: Metadata;
  getDeadline(): Date | number;
  getPeer(): string;
  on(event: 'cancelled', listener: () => void): unknown;
}

function buildContext(call: Call, method: string): { context: HandlerContext; controller: AbortController; done: () => void } {
  const controller = new AbortController();
  const raw = call.getDeadline();
  const ms = raw instanceof Date ? raw.getTime() : raw;
  const deadline = Number.isFinite(ms) && ms > 0 ? new Date(ms) : undefined;
  call.on('cancelled', () => controller.abort(new CancelledError('call cancelled by the client')));
  let timer: NodeJS.Timeout | undefined;
  if (deadline) {
    // A handler that rethrows the signal's reason answers DEADLINE_EXCEEDED, as the caller's own deadline would: in
    // process the two timers race, and a plain Error here would reach the caller first as INTERNAL.
    timer = setTimeout(() => controller.abort(new DeadlineExceededError('deadline exceeded')), Math.max(0, deadline.getTime() - Date.now()));
    timer.unref();
  }
  const context: HandlerContext = { method, metadata: call.metadata, deadline, signal: controller.signal, peer: call.getPeer() };
  return { context, controller, done: () => clearTimeout(timer) };
}

/** Runs fn inside the call's deadline scope and its server span's context (else the trace context read from its metadata). */
function inScope<T>(context: HandlerContext, fn: () => T, spanContext?: OtelContext): T {
  const traced = spanContext ?? extractTraceContext(metadataCarrier(context.metadata));
  return otelContext.with(traced, () => runInCallScope({ deadline: context.deadline }, fn));
}

function reportFailure(logger: Logger, method: string, error: unknown): ReturnType<typeof toGrpcStatus> {
  const mapped = toGrpcStatus(error);
  if (mapped.internal) logger.error({ err: error, method }, 'handler failed with an unexpected error');
  return mapped;
}

/** Adapts an async unary handler to grpc-js's callback shape. */
export function wrapUnary<Req, Res>(
  method: string,
  handler: UnaryHandler<Req, Res>,
  logger: Logger,
  observe: CallObserver,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const started = performance.now();
    const { context, done } = buildContext(call, method);
    const span = startServerSpan(method, call.metadata, context.peer);
    const finish = (code: status, details?: string) => {
      endRpcSpan(span, code, details);
      observe(method, code, (performance.now() - started) / 1000);
    };
    inScope(context, () => handler(call.request, context), span?.context).then(
      (response) => {
        done();
        finish(status.OK);
        callback(null, response);
      },
      (error: unknown) => {
        done();
        const mapped = reportFailure(logger, method, error);
        finish(mapped.code, mapped.details);
        callback({ code: mapped.code, details: mapped.details, metadata: mapped.metadata });
      },
    );
  };
}

/** Adapts an async-iterable server-streaming handler to grpc-js, respecting backpressure and cancellation. */
export function wrapServerStream<Req, Res>(
  method: string,
  handler: ServerStreamHandler<Req, Res>,
  logger: Logger,
  observe: CallObserver,
): (call: ServerWritableStream<Req, Res>) => void {
  return (call) => {
    const started = performance.now();
    const { context, done } = buildContext(call, method);
    const run = async () => {
      for await (const message of handler(call.request, context)) {
        if (context.signal.aborted) break;
        if (!call.write(message)) {
          await new Promise<void>((resolve) => {
            const onDone = () => {
              call.off('drain', onDone);
              context.signal.removeEventListener('abort', onDone);
              resolve();
            };
            call.on('drain', onDone);
            context.signal.addEventListener('abort', onDone);
          });
        }
      }
    };
    inScope(context, run).then(
      () => {
        done();
        observe(method, status.OK, (performance.now() - started) / 1000);
        if (!context.signal.aborted) call.end();
      },
      (error: unknown) => {
        done();
        const mapped = reportFailure(logger, method, error);
        observe(method, mapped.code, (performance.now() - started) / 1000);
        // grpc-js turns an 'error' event on a server stream into the call's final status.
        if (!context.signal.aborted) call.emit('error', { code: mapped.code, details: mapped.details, metadata: mapped.metadata });
      },
    );
  };
}
