import type { Ack, ApiError, ClientCommandName, CommandResult } from '@hearth/shared';
import { clientCommands } from '@hearth/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import { AppError, describeIssues, internalError } from '../errors.ts';
import { errorSummary } from '../db/database.ts';
import type { HearthServer, HearthSocket } from './types.ts';

export type CommandContext = { socket: HearthSocket; io: HearthServer };

type Handler<E extends ClientCommandName> = (
  context: CommandContext,
  payload: z.output<(typeof clientCommands)[E]['payload']>,
) => Promise<CommandResult<E>>;

type AnyHandler = (context: CommandContext, payload: unknown) => Promise<unknown>;

/**
 * The one way a socket command reaches a handler: its payload is parsed with the shared schema
 * first, and every outcome, including a bad payload, an unknown event and a failure, is
 * answered through the acknowledgement. Nothing here disconnects the socket.
 */
export function createEventRouter(log: FastifyBaseLogger) {
  const handlers = new Map<string, AnyHandler>();

  async function dispatch(
    event: string,
    args: unknown[],
    context: CommandContext,
  ): Promise<Ack<unknown>> {
    const handler = handlers.get(event);
    if (!handler) {
      return failure({ code: 'unknown_event', message: `Hearth does not know the event "${event.slice(0, 64)}".` });
    }
    const schema = clientCommands[event as ClientCommandName].payload;
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) {
      return failure({ code: 'invalid_input', message: describeIssues(parsed.error.issues) });
    }
    try {
      return { ok: true, data: await handler(context, parsed.data) };
    } catch (error) {
      if (error instanceof AppError) return failure(error.toJSON());
      log.error({ event, socketId: context.socket.id, err: errorSummary(error) }, 'socket command failed');
      return failure(internalError);
    }
  }

  return {
    on<E extends ClientCommandName>(event: E, handler: Handler<E>): void {
      handlers.set(event, handler as AnyHandler);
    },

    attach(socket: HearthSocket, io: HearthServer): void {
      socket.onAny((event: string, ...args: unknown[]) => {
        const last = args.at(-1);
        const ack = typeof last === 'function' ? (args.pop() as (response: Ack<unknown>) => void) : null;
        void dispatch(event, args, { socket, io }).then((response) => {
          if (ack) ack(response);
          else if (!response.ok) {
            socket.emit('command:rejected', { event: event.slice(0, 64), error: response.error });
          }
        });
      });
    },
  };
}

function failure(error: ApiError): Ack<never> {
  return { ok: false, error };
}
