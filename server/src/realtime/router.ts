import type { Ack, ApiError, ClientCommandName, CommandResult } from '@hearth/shared';
import { clientCommands } from '@hearth/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import { AppError, databaseUnavailable, describeIssues, internalError } from '../errors.ts';
import { databaseUnreachable, errorSummary } from '../db/database.ts';
import { refuseNul } from '../lib/input.ts';
import { tooMany } from '../lib/rateLimits.ts';
import type { HearthServer, HearthSocket } from './types.ts';

export type CommandContext = { socket: HearthSocket; io: HearthServer };

export type CommandLimits = {
  /** As a command arrives, in memory: how long this socket must wait first, or 0. */
  socket: (socket: HearthSocket) => number;
  /** When its turn comes, shared by every node: throws `rate_limited` for a busy account. */
  account: (socket: HearthSocket, event: string) => Promise<void>;
};

/** Commands a socket may have waiting behind the one under way; more are turned away. */
const MAX_WAITING = 32;

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
export function createEventRouter(log: FastifyBaseLogger, limits: CommandLimits) {
  const handlers = new Map<string, AnyHandler>();
  const inFlight = new Set<Promise<unknown>>();

  async function dispatch(
    event: string,
    args: unknown[],
    context: CommandContext,
  ): Promise<Ack<unknown>> {
    try {
      await limits.account(context.socket, event);
    } catch (error) {
      if (error instanceof AppError) return failure(error.toJSON());
      log.error({ err: errorSummary(error) }, 'socket rate limit unavailable');
      return failure(internalError);
    }
    const handler = handlers.get(event);
    if (!handler) {
      return failure({ code: 'unknown_event', message: 'Hearth does not know this event.' });
    }
    if (context.socket.data.actor.loginExpiresAt.getTime() <= Date.now()) {
      setImmediate(() => context.socket.disconnect(true));
      return failure(loginEnded);
    }
    const schema = clientCommands[event as ClientCommandName].payload;
    try {
      refuseNul(args[0]);
    } catch (error) {
      return failure((error as AppError).toJSON());
    }
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) {
      return failure({ code: 'invalid_input', message: describeIssues(parsed.error.issues) });
    }
    try {
      return { ok: true, data: await handler(context, parsed.data) };
    } catch (error) {
      if (error instanceof AppError) return failure(error.toJSON());
      if (databaseUnreachable(error)) {
        log.warn({ event, err: errorSummary(error) }, 'socket command found the database unreachable');
        return failure(databaseUnavailable);
      }
      log.error({ event, socketId: context.socket.id, err: errorSummary(error) }, 'socket command failed');
      return failure(internalError);
    }
  }

  return {
    on<E extends ClientCommandName>(event: E, handler: Handler<E>): void {
      handlers.set(event, handler as AnyHandler);
    },

    /**
     * A socket's commands are handled one at a time, in the order they came. So a client that
     * sends as fast as it can holds one unit of the server's work at a time, like anyone else,
     * and its own changes apply in order. Counting happens on arrival, whatever the event: a
     * flood of nonsense is a flood too.
     */
    attach(socket: HearthSocket, io: HearthServer): void {
      let queue: Promise<unknown> = Promise.resolve();
      let waiting = 0;
      socket.onAny((event: string, ...args: unknown[]) => {
        const last = args.at(-1);
        const ack = typeof last === 'function' ? (args.pop() as (response: Ack<unknown>) => void) : null;
        const answer = (response: Ack<unknown>) => {
          if (ack) ack(response);
          else if (!response.ok) {
            // socket.io lets an event's name be a number, too.
            socket.emit('command:rejected', { event: String(event).slice(0, 64), error: response.error });
          }
        };
        const wait = limits.socket(socket);
        if (wait > 0 || waiting >= MAX_WAITING) {
          answer(failure(tooMany(wait || 1).toJSON()));
          return;
        }
        waiting++;
        const work = queue.then(async () => {
          waiting--;
          answer(await dispatch(event, args, { socket, io }));
        });
        queue = work;
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

    /** Commands (and background work) received and not yet finished. */
    pending: () => inFlight.size,

    /** Resolves once every command under way has been answered (used when shutting down). */
    async drain(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

function failure(error: ApiError): Ack<never> {
  return { ok: false, error };
}
