import type { FastifyBaseLogger } from 'fastify';
import { errorSummary } from '../db/database.ts';
import type { FacilitationService } from '../modules/facilitation/service.ts';
import type { Delivery } from '../realtime/publish.ts';
import type { RoomsService, PresenceOutcome } from '../modules/rooms/service.ts';
import type { SessionLifecycle } from '../modules/sessions/lifecycle.ts';
import type { Retention } from '../modules/privacy/retention.ts';

/** A connection whose node has not refreshed it for this long belongs to a node that stopped. */
export const STALE_CONNECTION_MS = 45_000;
const HEARTBEAT_MS = 15_000;
/** Retention is counted in hours; looking twice a minute is plenty, and cheap on its index. */
const RETENTION_SWEEP_MS = 30_000;

/**
 * Every node runs this clock. Opening and closing are conditional updates, so when several
 * nodes tick at once each room still opens and closes exactly once; a node started after a
 * room's end closes it on its first tick.
 */
export function startRoomClock(deps: {
  intervalMs: number;
  lifecycle: SessionLifecycle;
  rooms: RoomsService;
  facilitation: FacilitationService;
  retention: Retention;
  deliver: (sessionId: string, delivery: Delivery) => void;
  /** The sockets this node holds now. */
  liveSocketIds: () => string[];
  announce: (outcome: PresenceOutcome) => Promise<void>;
  log: FastifyBaseLogger;
}) {
  let running: Promise<void> | null = null;
  let stopped = false;
  let lastHeartbeat = 0;
  let lastSweep = 0;

  async function tick() {
    try {
      await deps.lifecycle.tick();
      // Pauses and mutes whose time is up end here, once, whichever node gets there first.
      for (const outcome of await deps.facilitation.endDue()) {
        const sessionId = outcome.events[0]?.sessionId ?? outcome.notices[0]?.notice.sessionId;
        if (sessionId) deps.deliver(sessionId, outcome);
      }
      if (Date.now() - lastHeartbeat >= HEARTBEAT_MS) {
        lastHeartbeat = Date.now();
        await deps.announce(await deps.rooms.heartbeat(STALE_CONNECTION_MS, deps.liveSocketIds()));
      }
      // The first tick after a start sweeps too: rooms that fell due while no node ran.
      if (Date.now() - lastSweep >= RETENTION_SWEEP_MS) {
        lastSweep = Date.now();
        const { purged, failed } = await deps.retention.sweep();
        if (purged > 0) deps.log.info({ purged }, 'retention deleted the content of closed rooms');
        if (failed > 0) deps.log.error({ failed }, 'retention could not purge some rooms; trying again on the next sweep');
      }
    } catch (error) {
      deps.log.warn({ err: errorSummary(error) }, 'room clock tick failed; trying again on the next');
    }
  }

  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick().finally(() => {
      running = null;
    });
  }, deps.intervalMs);
  timer.unref();
  running = tick().finally(() => {
    running = null;
  });

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
