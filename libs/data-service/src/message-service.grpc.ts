import { errorKindOf } from '@chat/errors';
import type { messagesV1 } from '@chat/proto';
import type { AsyncHandlers, HandlerContext } from '@chat/rpc';
import type { CallOptions } from './channel-directory';
import type { DataServiceMetrics } from './data-service.metrics';
import { toProtoMessage } from './message-mapping';
import type { MessageService } from './message-service';
import { validateAddress, validateBatchGet, validateBulkDelete, validateCreate, validateDelete, validateEdit, validateHistory } from './message-validation';

type Handlers = AsyncHandlers<typeof messagesV1.MessageServiceService>;

/** The call's cancellation and deadline, handed to the service. */
function callOptions(context: HandlerContext): CallOptions {
  return context.deadline ? { signal: context.signal, deadline: context.deadline } : { signal: context.signal };
}

/** Counts the request and times it by outcome; errors pass through to the shared status mapping. */
function observed<Req, Res>(metrics: DataServiceMetrics, method: string, handler: (request: Req, context: HandlerContext) => Promise<Res>) {
  return async (request: Req, context: HandlerContext): Promise<Res> => {
    metrics.requests.inc({ method });
    const stop = metrics.requestSeconds.startTimer({ method });
    try {
      const response = await handler(request, context);
      stop({ outcome: 'ok' });
      return response;
    } catch (error) {
      stop({ outcome: errorKindOf(error) });
      throw error;
    }
  };
}

/**
 * MessageService's gRPC handlers: validate the request (INVALID_ARGUMENT
 * naming the field), call the service, map the result. No business logic
 * here; errors become gRPC status in @chat/rpc's one mapping.
 */
export function messageServiceHandlers(service: MessageService, metrics: DataServiceMetrics): Handlers {
  return {
    createMessage: observed(metrics, 'CreateMessage', async (request: messagesV1.CreateMessageRequest, context) => {
      const { message, deduplicated } = await service.create(validateCreate(request), callOptions(context));
      return { message: toProtoMessage(message, request.nonce), deduplicated };
    }),
    getMessage: observed(metrics, 'GetMessage', async (request: messagesV1.GetMessageRequest, context) => ({
      message: toProtoMessage(await service.get(validateAddress(request), callOptions(context))),
    })),
    batchGetMessages: observed(metrics, 'BatchGetMessages', async (request: messagesV1.BatchGetMessagesRequest, context) => ({
      messages: (await service.batchGet(validateBatchGet(request), callOptions(context))).map((message) => toProtoMessage(message)),
    })),
    getHistory: observed(metrics, 'GetHistory', async (request: messagesV1.GetHistoryRequest, context) => ({
      messages: (await service.history(validateHistory(request), callOptions(context))).map((message) => toProtoMessage(message)),
    })),
    editMessage: observed(metrics, 'EditMessage', async (request: messagesV1.EditMessageRequest, context) => ({
      message: toProtoMessage(await service.edit(validateEdit(request), callOptions(context))),
    })),
    deleteMessage: observed(metrics, 'DeleteMessage', async (request: messagesV1.DeleteMessageRequest, context) => ({
      message: toProtoMessage(await service.delete(validateDelete(request), callOptions(context))),
    })),
    bulkDeleteMessages: observed(metrics, 'BulkDeleteMessages', async (request: messagesV1.BulkDeleteMessagesRequest, context) => ({
      deletedMessageIds: await service.bulkDelete(validateBulkDelete(request), callOptions(context)),
    })),
  };
}
