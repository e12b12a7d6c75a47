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

const loginEnded: ApiError = {
  code: 'unauthenticated',
  message: 'Your login has ended. Please log in again.',
};

export type EventRouter = ReturnType<typeof createEventRouter>;

/**
 * The one way a socket command reaches a handler: its payload is parsed with the shared schema
 * first, and every outcome, including a bad payload, an unknown event and a failure, is
 * answered through the acknowledgement. Nothing here disconnects the socket, except a login
 * that has ended.
 */
export function createEventRouter(log: FastifyBaseLogger) {
  const handlers = new Map<string, AnyHandler>();
  const inFlight = new Set<Promise<unknown>>();

  async function dispatch(
    event: string,
    args: unknown[],
    context: CommandContext,
  ): Promise<Ack<unknown>> {
    const handler = handlers.get(event);
    if (!handler) {
      return failure({ code: 'unknown_event', message: 'Hearth does not know this event.' });
    }
    if (context.socket.data.actor.loginExpiresAt.getTime() <= Date.now()) {
      setImmediate(() => context.socket.disconnect(true));
      return failure(loginEnded);
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
        const work = dispatch(event, args, { socket, io }).then((response) => {
          if (ack) ack(response);
          else if (!response.ok) {
            socket.emit('command:rejected', { event: event.slice(0, 64), error: response.error });
          }
        });
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      });
    },

    /** Work started outside a command (a disconnect's presence change) that shutdown waits for. */
    track(work: Promise<unknown>): void {
      const settled = work.catch((error: unknown) =>
        log.error({ err: errorSummary(error) }, 'socket background work failed'),
      );
      inFlight.add(settled);
      void settled.finally(() => inFlight.delete(settled));
    },

    /** Resolves once every command under way has been answered (used when shutting down). */
    async drain(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function failure(error: ApiError): Ack<never> {
  return { ok: false, error };
}
