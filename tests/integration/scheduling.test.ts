import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createOrganiser, inviteParticipant } from '../support/factories.ts';
import { startNode, type Node } from '../support/hearth.ts';
import type { HttpClient } from '../support/http.ts';
import { modes, type Provisioned } from '../support/modes.ts';

type SessionJson = {
  id: string;
  seriesId: string | null;
  startsAt: string;
  endsAt: string;
  status: string;
  moved: boolean;
  timeZone: string;
  title: string;
};

describe.each(modes)('scheduling, $name mode', (mode) => {
  let place: Provisioned;
  let node: Node;
  let organiser: HttpClient;

  beforeAll(async () => {
    place = await mode.provision();
    node = await startNode(place);
    organiser = await createOrganiser(node);
  });

  afterAll(async () => {
    await node?.close();
    await place?.dispose();
  });

  async function schedule(groupId: string, body: Record<string, unknown>) {
    return organiser.post(`/api/groups/${groupId}/schedule`, {
      title: 'Tuesday circle',
      durationMinutes: 90,
      ...body,
    });
  }

  async function sessionsBetween(client: HttpClient, groupId: string, from: string, to: string) {
    const res = await client.get(`/api/groups/${groupId}/sessions?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    return res.json.sessions as SessionJson[];
  }

  it('keeps 19:00 in London on both sides of the October clock change', async () => {
    const { id: groupId } = await createGroup(organiser);
    // British Summer Time ends on Sunday 31 October 2027.
    const created = await schedule(groupId, {
      repeat: 'weekly',
      timeZone: 'Europe/London',
      date: '2027-10-19',
      time: '19:00',
    });
    expect(created.status).toBe(201);
    expect(created.json.series).toMatchObject({ repeat: 'weekly', timeZone: 'Europe/London', time: '19:00' });
    const around = await sessionsBetween(organiser, groupId, '2027-10-18T00:00:00Z', '2027-11-10T00:00:00Z');
    expect(around.map((s) => s.startsAt)).toEqual([
      '2027-10-19T18:00:00.000Z', // 19:00 BST
      '2027-10-26T18:00:00.000Z', // 19:00 BST
      '2027-11-02T19:00:00.000Z', // 19:00 GMT
      '2027-11-09T19:00:00.000Z', // 19:00 GMT
    ]);
    expect(around.every((s) => s.timeZone === 'Europe/London' && s.status === 'scheduled')).toBe(true);
    expect(around[0]!.endsAt).toBe('2027-10-19T19:30:00.000Z');
  });

  it('keeps local time across the March change in Chicago, fortnightly', async () => {
    const { id: groupId } = await createGroup(organiser);
    // US daylight saving time starts on Sunday 14 March 2027.
    expect(
      (await schedule(groupId, { repeat: 'fortnightly', timeZone: 'America/Chicago', date: '2027-03-04', time: '18:30' }))
        .status,
    ).toBe(201);
    const around = await sessionsBetween(organiser, groupId, '2027-03-01T00:00:00Z', '2027-04-02T00:00:00Z');
    expect(around.map((s) => s.startsAt)).toEqual([
      '2027-03-05T00:30:00.000Z', // 18:30 CST on 4 March
      '2027-03-18T23:30:00.000Z', // 18:30 CDT on 18 March
      '2027-04-01T23:30:00.000Z', // 18:30 CDT on 1 April
    ]);
  });

  it('cancels and moves one occurrence without touching the rest of the series', async () => {
    const { id: groupId } = await createGroup(organiser);
    await schedule(groupId, { repeat: 'weekly', timeZone: 'Europe/Berlin', date: '2027-01-05', time: '10:00', until: '2027-01-26' });
    const series = await sessionsBetween(organiser, groupId, '2027-01-01T00:00:00Z', '2027-03-01T00:00:00Z');
    expect(series).toHaveLength(4);
    const [first, second, third, fourth] = series;

    const cancelled = await organiser.post(`/api/sessions/${second!.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    const moved = await organiser.request('PATCH', `/api/sessions/${third!.id}`, { time: '14:30', date: '2027-01-20' });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ startsAt: '2027-01-20T13:30:00.000Z', moved: true });

    // Listing again (which extends the calendar) neither recreates nor duplicates anything.
    const after = await sessionsBetween(organiser, groupId, '2027-01-01T00:00:00Z', '2027-03-01T00:00:00Z');
    expect(after.map((s) => [s.id, s.status, s.startsAt])).toEqual([
      [first!.id, 'scheduled', '2027-01-05T09:00:00.000Z'],
      [second!.id, 'cancelled', '2027-01-12T09:00:00.000Z'],
      [third!.id, 'scheduled', '2027-01-20T13:30:00.000Z'],
      [fourth!.id, 'scheduled', '2027-01-26T09:00:00.000Z'],
    ]);
    expect(after[0]!.endsAt).toBe('2027-01-05T10:30:00.000Z');

    // A cancelled session cannot be moved or cancelled again.
    expect((await organiser.post(`/api/sessions/${second!.id}/cancel`, {})).status).toBe(409);
    expect((await organiser.request('PATCH', `/api/sessions/${second!.id}`, { time: '11:00' })).status).toBe(409);
  });

  it('schedules a one-off session in its own time zone', async () => {
    const { id: groupId } = await createGroup(organiser);
    const res = await schedule(groupId, { repeat: 'once', timeZone: 'Asia/Kolkata', date: '2027-06-01', time: '20:00', brief: 'Boundaries' });
    expect(res.status).toBe(201);
    expect(res.json.series).toBeNull();
    expect(res.json.sessions).toEqual([
      expect.objectContaining({ startsAt: '2027-06-01T14:30:00.000Z', brief: 'Boundaries', seriesId: null }),
    ]);
  });

  it('refuses unknown time zones, past times and impossible ranges, and stores nothing', async () => {
    const { id: groupId } = await createGroup(organiser);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ repeat: 'weekly', timeZone: 'Mars/Olympus_Mons', date: '2027-05-04', time: '19:00' }, /timeZone/],
      [{ repeat: 'weekly', timeZone: 'Europe/London', date: '2020-05-05', time: '19:00' }, /already passed/],
      [{ repeat: 'weekly', timeZone: 'Europe/London', date: '2027-05-04', time: '25:00' }, /time/],
      [{ repeat: 'weekly', timeZone: 'Europe/London', date: '2027-02-30', time: '19:00' }, /date/],
      [{ repeat: 'weekly', timeZone: 'Europe/London', date: '2027-05-04', time: '19:00', until: '2027-05-01' }, /until/],
      [{ repeat: 'once', timeZone: 'Europe/London', date: '2027-05-04', time: '19:00', until: '2027-06-01' }, /until/],
      [{ repeat: 'daily', timeZone: 'Europe/London', date: '2027-05-04', time: '19:00' }, /repeat/],
    ];
    for (const [body, message] of cases) {
      const res = await schedule(groupId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe('invalid_input');
      expect(res.json.message).toMatch(message);
    }
    expect(await sessionsBetween(organiser, groupId, '2020-01-01T00:00:00Z', '2028-01-01T00:00:00Z')).toEqual([]);
  });

  it('lists upcoming sessions for participants, and keeps scheduling to organisers and facilitators', async () => {
    const { id: groupId } = await createGroup(organiser, 'Thursday group');
    const participant = (await inviteParticipant(organiser, groupId)).client;
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await schedule(groupId, { repeat: 'weekly', timeZone: 'UTC', date: soon, time: '12:00' });
    const upcoming = await participant.get('/api/sessions/upcoming');
    expect(upcoming.status).toBe(200);
    expect(upcoming.json.sessions[0]).toMatchObject({
      groupName: 'Thursday group',
      startsAt: `${soon}T12:00:00.000Z`,
      status: 'scheduled',
    });
    // Eight weeks ahead: eight or nine weekly occurrences, never duplicated.
    const starts = upcoming.json.sessions.map((s: SessionJson) => s.startsAt);
    expect(new Set(starts).size).toBe(starts.length);
    expect(starts.length).toBeGreaterThanOrEqual(8);

    const refused = await participant.post(`/api/groups/${groupId}/schedule`, {
      title: 'Mine', repeat: 'once', timeZone: 'UTC', date: soon, time: '15:00', durationMinutes: 60,
    });
    expect(refused.status).toBe(403);
    const first = upcoming.json.sessions[0].id;
    expect((await participant.post(`/api/sessions/${first}/cancel`, {})).status).toBe(403);
    expect((await participant.request('PATCH', `/api/sessions/${first}`, { time: '13:00' })).status).toBe(403);
  });

  it('adds each occurrence once when two requests extend the calendar at the same time', async () => {
    const { id: groupId } = await createGroup(organiser);
    await schedule(groupId, { repeat: 'weekly', timeZone: 'Europe/Lisbon', date: '2027-01-04', time: '09:00' });
    const window = ['2027-01-01T00:00:00Z', '2028-06-01T00:00:00Z'] as const;
    const results = await Promise.all([
      sessionsBetween(organiser, groupId, ...window),
      sessionsBetween(organiser, groupId, ...window),
      sessionsBetween(organiser, groupId, ...window),
    ]);
    const lists = results.map((list) => list.map((s) => s.id).join());
    expect(new Set(lists).size).toBe(1);
    const dates = results[0]!.map((s) => s.startsAt.slice(0, 10));
    expect(new Set(dates).size).toBe(dates.length);
  });
});
