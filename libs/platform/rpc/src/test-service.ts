import type { MethodShape } from './handlers';

/** JSON-encoded messages, so the rpc helpers can be tested without generated code. */
function jsonMethod<Req, Res>(path: string, responseStream: boolean): MethodShape<Req, Res> & { requestStream: false } {
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: (value: Req) => Buffer.from(JSON.stringify(value)),
    requestDeserialize: (value: Buffer) => JSON.parse(value.toString()) as Req,
    responseSerialize: (value: Res) => Buffer.from(JSON.stringify(value)),
    responseDeserialize: (value: Buffer) => JSON.parse(value.toString()) as Res,
  };
}

/** A two-method service used by the rpc tests. */
export const echoService = {
  echo: { ...jsonMethod<{ text: string; delayMs?: number; fail?: string }, { text: string; deadline?: number; traceId?: string }>('/test.v1.EchoService/Echo', false), responseStream: false as const },
  count: { ...jsonMethod<{ upTo: number; failAt?: number }, { n: number }>('/test.v1.EchoService/Count', true), responseStream: true as const },
};
