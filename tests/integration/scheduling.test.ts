import { DateTime } from 'luxon';
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

const utc = (date: string, time: string, zone: string) =>
  DateTime.fromISO(`${date}T${time}`, { zone }).toUTC().toISO();
const isoDate = (dt: DateTime) => dt.toISODate()!;

/** The next clock change far enough ahead to schedule a series before it. */
function nextChange(find: (year: number) => DateTime, leadDays: number): DateTime {
  const now = DateTime.now();
  for (let year = now.year; ; year++) {
    const change = find(year);
    if (change.minus({ days: leadDays }) > now.plus({ days: 1 })) return change;
  }
}
/** Britain leaves summer time on the last Sunday of October. */
const lastSundayOfOctober = (year: number) => {
  const end = DateTime.fromObject({ year, month: 10, day: 31 }, { zone: 'Europe/London' });
  return end.minus({ days: end.weekday % 7 });
};
/** The United States starts daylight saving time on the second Sunday of March. */
const secondSundayOfMarch = (year: number) => {
  const first = DateTime.fromObject({ year, month: 3, day: 1 }, { zone: 'America/Chicago' });
  return first.plus({ days: (7 - (first.weekday % 7)) % 7 + 7 });
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
    const change = nextChange(lastSundayOfOctober, 12);
    // Tuesdays: two before the change, two after.
    const tuesdays = [-12, -5, 2, 9].map((days) => isoDate(change.plus({ days })));
    const created = await schedule(groupId, {
      repeat: 'weekly',
      timeZone: 'Europe/London',
      date: tuesdays[0],
      time: '19:00',
    });
    expect(created.status).toBe(201);
    expect(created.json.series).toMatchObject({ repeat: 'weekly', timeZone: 'Europe/London', time: '19:00' });
    const from = `${isoDate(change.minus({ days: 13 }))}T00:00:00Z`;
    const to = `${isoDate(change.plus({ days: 10 }))}T00:00:00Z`;
    const around = await sessionsBetween(organiser, groupId, from, to);
    expect(around.map((s) => s.startsAt)).toEqual([
      `${tuesdays[0]}T18:00:00.000Z`, // 19:00 British Summer Time
      `${tuesdays[1]}T18:00:00.000Z`,
      `${tuesdays[2]}T19:00:00.000Z`, // 19:00 Greenwich Mean Time
      `${tuesdays[3]}T19:00:00.000Z`,
    ]);
    expect(around.every((s) => s.timeZone === 'Europe/London' && s.status === 'scheduled')).toBe(true);
    expect(around[0]!.endsAt).toBe(`${tuesdays[0]}T19:30:00.000Z`);
  });

  it('keeps local time across the March change in Chicago, fortnightly', async () => {
    const { id: groupId } = await createGroup(organiser);
    const change = nextChange(secondSundayOfMarch, 10);
    const thursdays = [-10, 4, 18].map((days) => isoDate(change.plus({ days })));
    expect(
      (await schedule(groupId, { repeat: 'fortnightly', timeZone: 'America/Chicago', date: thursdays[0], time: '18:30' }))
        .status,
    ).toBe(201);
    const around = await sessionsBetween(
      organiser,
      groupId,
      `${isoDate(change.minus({ days: 11 }))}T00:00:00Z`,
      `${isoDate(change.plus({ days: 20 }))}T00:00:00Z`,
    );
    const next = (date: string) => isoDate(DateTime.fromISO(date).plus({ days: 1 }));
    expect(around.map((s) => s.startsAt)).toEqual([
      `${next(thursdays[0]!)}T00:30:00.000Z`, // 18:30 Central Standard Time
      `${thursdays[1]}T23:30:00.000Z`, // 18:30 Central Daylight Time
      `${thursdays[2]}T23:30:00.000Z`,
    ]);
  });

  it('cancels and moves one occurrence without touching the rest of the series', async () => {
    const { id: groupId } = await createGroup(organiser);
    const start = DateTime.now().setZone('Europe/Berlin').plus({ days: 14 });
    const days = [0, 7, 14, 21].map((n) => isoDate(start.plus({ days: n })));
    const movedTo = isoDate(start.plus({ days: 15 }));
    await schedule(groupId, { repeat: 'weekly', timeZone: 'Europe/Berlin', date: days[0], time: '10:00', until: days[3] });
    const window = [`${isoDate(start.minus({ days: 2 }))}T00:00:00Z`, `${isoDate(start.plus({ days: 60 }))}T00:00:00Z`] as const;
    const series = await sessionsBetween(organiser, groupId, ...window);
    expect(series).toHaveLength(4);
    const [first, second, third, fourth] = series;

    const cancelled = await organiser.post(`/api/sessions/${second!.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    const moved = await organiser.request('PATCH', `/api/sessions/${third!.id}`, { time: '14:30', date: movedTo });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ startsAt: utc(movedTo, '14:30', 'Europe/Berlin'), moved: true });

    // Listing again (which extends the calendar) neither recreates nor duplicates anything.
    const after = await sessionsBetween(organiser, groupId, ...window);
    expect(after.map((s) => [s.id, s.status, s.startsAt])).toEqual([
      [first!.id, 'scheduled', utc(days[0]!, '10:00', 'Europe/Berlin')],
      [second!.id, 'cancelled', utc(days[1]!, '10:00', 'Europe/Berlin')],
      [third!.id, 'scheduled', utc(movedTo, '14:30', 'Europe/Berlin')],
      [fourth!.id, 'scheduled', utc(days[3]!, '10:00', 'Europe/Berlin')],
    ]);
    expect(after[0]!.endsAt).toBe(utc(days[0]!, '11:30', 'Europe/Berlin'));

    // A cancelled session cannot be moved or cancelled again.
    expect((await organiser.post(`/api/sessions/${second!.id}/cancel`, {})).status).toBe(409);
    expect((await organiser.request('PATCH', `/api/sessions/${second!.id}`, { time: '11:00' })).status).toBe(409);
  });

  it('schedules a one-off session in its own time zone', async () => {
    const { id: groupId } = await createGroup(organiser);
    const date = isoDate(DateTime.now().plus({ days: 30 }));
    const res = await schedule(groupId, { repeat: 'once', timeZone: 'Asia/Kolkata', date, time: '20:00', brief: 'Boundaries' });
    expect(res.status).toBe(201);
    expect(res.json.series).toBeNull();
    expect(res.json.sessions).toEqual([
      expect.objectContaining({ startsAt: `${date}T14:30:00.000Z`, brief: 'Boundaries', seriesId: null }),
    ]);
  });

  it('refuses unknown time zones, past times and impossible ranges, and stores nothing', async () => {
    const { id: groupId } = await createGroup(organiser);
    const soon = DateTime.now().plus({ days: 20 });
    const date = isoDate(soon);
    const earlier = isoDate(soon.minus({ days: 3 }));
    const later = isoDate(soon.plus({ days: 30 }));
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ repeat: 'weekly', timeZone: 'Mars/Olympus_Mons', date, time: '19:00' }, /timeZone/],
      [{ repeat: 'weekly', timeZone: 'Europe/London', date: '2020-05-05', time: '19:00' }, /already passed/],
      [{ repeat: 'weekly', timeZone: 'Europe/London', date, time: '25:00' }, /time/],
      [{ repeat: 'weekly', timeZone: 'Europe/London', date: `${soon.year + 1}-02-30`, time: '19:00' }, /date/],
      [{ repeat: 'weekly', timeZone: 'Europe/London', date, time: '19:00', until: `${soon.year + 1}-02-31` }, /until/],
      [{ repeat: 'weekly', timeZone: 'Europe/London', date, time: '19:00', until: earlier }, /until/],
      [{ repeat: 'once', timeZone: 'Europe/London', date, time: '19:00', until: later }, /until/],
      [{ repeat: 'daily', timeZone: 'Europe/London', date, time: '19:00' }, /repeat/],
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
    const start = DateTime.now().plus({ days: 7 });
    await schedule(groupId, { repeat: 'weekly', timeZone: 'Europe/Lisbon', date: isoDate(start), time: '09:00' });
    const window = [`${isoDate(start.minus({ days: 1 }))}T00:00:00Z`, `${isoDate(start.plus({ weeks: 70 }))}T00:00:00Z`] as const;
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
