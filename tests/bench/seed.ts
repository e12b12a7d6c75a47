import { randomBytes } from 'node:crypto';
import { SESSION_COOKIE } from '../../server/src/http/session-cookie.ts';
import type { Actor } from '../../server/src/modules/accounts/service.ts';
import { startNode } from '../support/hearth.ts';
import type { Provisioned } from '../support/modes.ts';

export type SeededRoom = {
  sessionId: string;
  /** One login cookie per person in the room: its facilitator first, then participants. */
  cookies: string[];
};

const password = 'a long enough passphrase';
const tag = () => randomBytes(4).toString('hex');

/**
 * Rooms full of people, made through Hearth's own services (as the REST routes would), on a
 * node that lives only while it seeds. Each room is an open session of its own group, without
 * a waiting room, whose `perRoom` people (one facilitator, the rest participants) joined by
 * invite and accepted the agreement.
 * Accounts use the cheapest password hashing: a login's cookie costs the nodes under test
 * the same whatever the hash cost.
 */
export async function seedRooms(
  place: Provisioned,
  rooms: number,
  perRoom: number,
  progress: (done: number) => void = () => {},
): Promise<SeededRoom[]> {
  const node = await startNode(place);
  try {
    const { accounts, groups, invites, agreements, sessions } = node.services;
    const actorOf = async (token: string | null): Promise<Actor> => {
      const actor = await accounts.authenticate(token ?? undefined);
      if (!actor) throw new Error('seeding: a fresh login did not authenticate');
      return actor;
    };
    const setupToken = await accounts.issueSetupToken();
    const organiser = setupToken
      ? await actorOf((await accounts.completeSetup({ token: setupToken, username: `organiser_${tag()}`, password })).token)
      : null;
    if (!organiser) throw new Error('seeding needs an empty database');

    const seedRoom = async (index: number): Promise<SeededRoom> => {
      const group = await groups.create(organiser, {
        name: `Bench group ${index}`,
        pseudonym: `Facilitator ${index}`,
        capacity: Math.max(perRoom, 2),
        waitingRoom: false,
      });
      const { version } = await agreements.view(organiser, group.id);
      await agreements.accept(organiser, group.id, version);
      // A facilitator of its own, since participants cannot post in an unattended room.
      const facilitatorInvite = await invites.create(organiser, group.id, { role: 'facilitator', expiresInDays: 7, maxUses: 1 });
      const invite = await invites.create(organiser, group.id, { role: 'participant', expiresInDays: 7, maxUses: perRoom });
      const cookies: string[] = [];
      for (let person = 0; person < perRoom; person++) {
        const joined = await invites.redeem(null, {
          code: (person === 0 ? facilitatorInvite : invite).code,
          pseudonym: `Person ${index}.${person}`,
          account: { username: `bench_${tag()}_${person}`, password },
        });
        await agreements.accept(await actorOf(joined.token), group.id, version);
        cookies.push(`${SESSION_COOKIE}=${joined.token}`);
      }
      const session = await sessions.startNow(organiser, group.id, { title: `Bench room ${index}`, durationMinutes: 480 });
      return { sessionId: session.id, cookies };
    };

    const seeded: SeededRoom[] = new Array(rooms);
    let next = 0;
    let done = 0;
    // A few rooms at a time: the database does the work, and it has more than one core.
    const worker = async () => {
      while (next < rooms) {
        const index = next++;
        seeded[index] = await seedRoom(index);
        progress(++done);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    return seeded;
  } finally {
    await node.close();
  }
}
