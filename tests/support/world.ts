import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../server/src/config.ts';
import { createGroup, createOrganiser, inviteParticipant, startSession } from './factories.ts';
import { startNode, type Node, type NodeDeps } from './hearth.ts';
import type { HttpClient } from './http.ts';
import type { Mode, Provisioned } from './modes.ts';
import { connect, enter, type TestSocket } from './socket.ts';

/**
 * One test file's world for room tests: a place of its own, a node, and in services mode a
 * second node on the same PostgreSQL and Redis (`other`; the same node otherwise), the first
 * organiser, and sockets closed at the end. Rooms are made per test, so tests own their data.
 */
export function roomWorld(mode: Mode, overrides: Partial<Config> = { roomClockMs: 200 }, deps: NodeDeps = {}) {
  const world = {} as { place: Provisioned; node: Node; other: Node; organiser: HttpClient };
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    world.place = await mode.provision();
    world.node = await startNode(world.place, overrides, deps);
    world.other = mode.name === 'services' ? await startNode(world.place, overrides, deps) : world.node;
    world.organiser = await createOrganiser(world.node);
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await world.node?.close();
    if (world.other !== world.node) await world.other?.close();
    await world.place?.dispose();
  });

  async function socketOf(client: HttpClient, on: Node = world.node) {
    const socket = await connect(on.url, client.cookie);
    sockets.push(socket);
    return socket;
  }

  return {
    world,
    socketOf,

    /** A group of its own with an open room, its lead facilitator (the organiser) inside, and members. */
    async openRoom(participants = 1, options: { waitingRoom?: boolean } = {}) {
      const { organiser } = world;
      const group = await createGroup(organiser, undefined, { waitingRoom: options.waitingRoom ?? false });
      const sessionId = (await startSession(organiser, group.id)).id;
      const facilitator = await socketOf(organiser);
      const facilitatorJoin = await enter(facilitator, sessionId);
      const people = [];
      for (let i = 0; i < participants; i++) people.push(await inviteParticipant(organiser, group.id));
      return { group, groupId: group.id, sessionId, facilitator, facilitatorJoin, people };
    },

    /** Someone entering a room on a socket of their own. */
    async seat(person: { client: HttpClient }, sessionId: string, on: Node = world.node) {
      const socket = await socketOf(person.client, on);
      const joined = await enter(socket, sessionId);
      return { socket, me: joined.me, joined };
    },
  };
}
