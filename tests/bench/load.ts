import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

/** What the load runs against: Hearth's protocol, or the bare floor's `join` / `send` / `msg`. */
export type Kind = 'hearth' | 'floor';

/** A room to fill: Hearth's session id and one login cookie per person, or the floor's room name. */
export type RoomPlan = { id: string; cookies: string[] };

type Member = {
  socket: Socket;
  room: RoomState;
  /** Place in the room, a bit in each message's mask of receivers. */
  slot: number;
  id: number;
  nextN: number;
  /** The highest message number seen from each sender, to count inversions. */
  lastN: Map<number, number>;
  lastSeq: number;
};

type RoomState = { id: string; members: Member[]; lastSeq: number };

type Sent = {
  at: number;
  room: RoomState;
  sender: Member;
  mask: number;
  got: number;
  answered: boolean;
  refused: boolean;
};

export type StepResult = {
  /** Sends per second asked of the whole load, and what one person's interval is then. */
  offeredSendsPerSecond: number;
  intervalMs: number;
  seconds: number;
  sends: number;
  /** Copies received by members other than the sender, per second of the sending window. */
  deliveredPerSecond: number;
  fanout: Percentiles;
  ack: Percentiles;
  lost: number;
  duplicated: number;
  /** A sender's messages reaching someone in another order than sent. */
  outOfOrder: number;
  /**
   * Hearth only: room events arriving after one with a later sequence number (broadcasts from
   * two nodes can overtake each other). The client holds them in order; counted, not failed.
   */
  overtaken: number;
  refused: number;
  unanswered: number;
  refusals: Record<string, number>;
};

export type Percentiles = { p50: number; p95: number; p99: number; max: number; count: number };

const padding = 'x'.repeat(64);
const MESSAGE = /^m(\d+)\.(\d+) /;

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN, count: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1]!, count: sorted.length };
}

/**
 * Real socket.io clients, one per person, in rooms spread over the given nodes (member k of a
 * room on node k mod n, so with two nodes every room crosses the Redis hop). Each message
 * carries its sender and number; the receive side counts what each other member got, when,
 * how often and in which order.
 */
export class Load {
  private rooms: RoomState[] = [];
  private members: Member[] = [];
  private registry = new Map<number, Sent>();
  private fanout: number[] = [];
  private acks: number[] = [];
  private stats = { copies: 0, inWindow: 0, duplicated: 0, outOfOrder: 0, overtaken: 0, refused: 0, stray: 0 };
  private refusals: Record<string, number> = {};
  private windowEnd = Infinity;

  constructor(
    private readonly kind: Kind,
    private readonly urls: string[],
  ) {}

  get connections(): number {
    return this.members.length;
  }

  /** Connects and joins everyone, `concurrency` people at a time; resolves with the time taken. */
  async open(plans: RoomPlan[], concurrency = 64): Promise<{ ms: number; joinMs: Percentiles }> {
    const started = performance.now();
    const joins: number[] = [];
    const queue: Array<() => Promise<void>> = [];
    for (const plan of plans) {
      const room: RoomState = { id: plan.id, members: [], lastSeq: 0 };
      this.rooms.push(room);
      plan.cookies.forEach((cookie, slot) => {
        queue.push(async () => {
          const member = await this.connect(room, slot, cookie);
          const t = performance.now();
          await this.join(member);
          joins.push(performance.now() - t);
        });
      });
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < queue.length) await queue[next++]!();
      }),
    );
    return { ms: performance.now() - started, joinMs: percentiles(joins) };
  }

  private connect(room: RoomState, slot: number, cookie: string): Promise<Member> {
    const url = this.urls[slot % this.urls.length]!;
    const socket = io(url, {
      transports: ['websocket'],
      extraHeaders: cookie ? { cookie } : {},
      reconnection: false,
      forceNew: true,
      timeout: 60_000,
    });
    const member: Member = { socket, room, slot, id: this.members.length, nextN: 0, lastN: new Map(), lastSeq: 0 };
    this.members.push(member);
    room.members.push(member);
    if (this.kind === 'hearth') {
      socket.on('room:event', (event: { type: string; change?: string; seq: number; message?: { text: string } }) => {
        if (event.type !== 'message' || event.change !== 'posted' || !event.message) return;
        if (event.seq < member.lastSeq) this.stats.overtaken++;
        member.lastSeq = Math.max(member.lastSeq, event.seq);
        room.lastSeq = Math.max(room.lastSeq, event.seq);
        this.received(member, event.message.text);
      });
    } else {
      socket.on('msg', (payload: { text: string }) => this.received(member, payload.text));
    }
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(member));
      socket.once('connect_error', (error) => reject(new Error(`connect to ${url}: ${error.message}`)));
    });
  }

  private join(member: Member): Promise<void> {
    const { socket, room } = member;
    return new Promise((resolve, reject) => {
      if (this.kind === 'floor') {
        socket.emit('join', room.id, () => resolve());
        return;
      }
      socket.emit(
        'room:join',
        { sessionId: room.id, afterSeq: room.lastSeq, reminderAcknowledged: true },
        (ack: { ok: boolean; error?: { code: string }; data?: { lastSeq: number } }) => {
          if (!ack.ok) return reject(new Error(`room:join refused: ${ack.error?.code}`));
          member.lastSeq = ack.data!.lastSeq;
          resolve();
        },
      );
    });
  }

  private received(member: Member, text: string): void {
    const at = performance.now();
    const match = MESSAGE.exec(text);
    if (!match) return;
    const senderId = Number(match[1]);
    const n = Number(match[2]);
    if (senderId === member.id) return;
    const sent = this.registry.get(senderId * 1e7 + n);
    if (!sent) {
      // From an earlier step, arriving late.
      this.stats.stray++;
      return;
    }
    const bit = 2 ** member.slot;
    if (Math.floor(sent.mask / bit) % 2 === 1) {
      this.stats.duplicated++;
      return;
    }
    sent.mask += bit;
    sent.got++;
    this.stats.copies++;
    if (at <= this.windowEnd) this.stats.inWindow++;
    this.fanout.push(at - sent.at);
    const last = member.lastN.get(senderId) ?? -1;
    if (n < last) this.stats.outOfOrder++;
    else member.lastN.set(senderId, n);
  }

  private send(member: Member): void {
    const n = member.nextN++;
    const sent: Sent = { at: performance.now(), room: member.room, sender: member, mask: 0, got: 0, answered: false, refused: false };
    this.registry.set(member.id * 1e7 + n, sent);
    const text = `m${member.id}.${n} ${padding}`;
    const answered = (ack?: { ok: boolean; error?: { code: string } }) => {
      sent.answered = true;
      this.acks.push(performance.now() - sent.at);
      if (ack && !ack.ok) {
        sent.refused = true;
        this.stats.refused++;
        const code = ack.error?.code ?? 'unknown';
        this.refusals[code] = (this.refusals[code] ?? 0) + 1;
      }
    };
    if (this.kind === 'hearth') {
      member.socket.emit('message:send', { sessionId: member.room.id, clientId: randomUUID(), text }, answered);
    } else {
      member.socket.emit('send', member.room.id, { text }, () => answered());
    }
  }

  /**
   * Everyone sends in turn, `sendsPerSecond` in all (so each person every members / rate
   * seconds), for `seconds`; then waits up to `drainMs` for the last copies and answers.
   */
  async step(sendsPerSecond: number, seconds: number, drainMs = 4000): Promise<StepResult> {
    this.registry.clear();
    this.fanout = [];
    this.acks = [];
    this.stats = { copies: 0, inWindow: 0, duplicated: 0, outOfOrder: 0, overtaken: 0, refused: 0, stray: 0 };
    this.refusals = {};
    this.windowEnd = Infinity;
    const order = [...this.members].sort(() => Math.random() - 0.5);
    let turn = 0;
    let sends = 0;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - started;
        const due = Math.min(Math.floor((elapsed / 1000) * sendsPerSecond), Math.floor(seconds * sendsPerSecond));
        while (sends < due) {
          this.send(order[turn++ % order.length]!);
          sends++;
        }
        if (elapsed >= seconds * 1000) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    this.windowEnd = performance.now();
    const windowSeconds = (this.windowEnd - started) / 1000;
    const expected = () => {
      let missing = 0;
      let unanswered = 0;
      for (const sent of this.registry.values()) {
        if (!sent.answered) unanswered++;
        else if (!sent.refused) missing += sent.room.members.length - 1 - sent.got;
      }
      return { missing, unanswered };
    };
    const drainUntil = performance.now() + drainMs;
    let outstanding = expected();
    while ((outstanding.missing > 0 || outstanding.unanswered > 0) && performance.now() < drainUntil) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      outstanding = expected();
    }
    return {
      offeredSendsPerSecond: sendsPerSecond,
      intervalMs: Math.round((this.members.length / sendsPerSecond) * 1000),
      seconds: windowSeconds,
      sends,
      deliveredPerSecond: this.stats.inWindow / windowSeconds,
      fanout: percentiles(this.fanout),
      ack: percentiles(this.acks),
      lost: outstanding.missing,
      duplicated: this.stats.duplicated,
      outOfOrder: this.stats.outOfOrder,
      overtaken: this.stats.overtaken,
      refused: this.stats.refused,
      unanswered: outstanding.unanswered,
      refusals: this.refusals,
    };
  }

  /** Hearth only: how long entering one of the rooms takes with its whole history, `times` times. */
  async historyJoins(roomIndex: number, times: number): Promise<Percentiles> {
    const room = this.rooms[roomIndex]!;
    const timings: number[] = [];
    for (let i = 0; i < times; i++) {
      const member = room.members[i % room.members.length]!;
      const started = performance.now();
      let afterSeq = 0;
      const page = await this.command(member, 'room:join', { sessionId: room.id, afterSeq, reminderAcknowledged: true });
      let more = page.hasMore;
      afterSeq = page.lastSeq;
      while (more) {
        const next = await this.command(member, 'room:catch-up', { sessionId: room.id, afterSeq });
        more = next.hasMore;
        afterSeq = next.lastSeq;
      }
      timings.push(performance.now() - started);
    }
    return percentiles(timings);
  }

  /** Sends `count` messages into one room, one after another, each acknowledged. */
  async fill(roomIndex: number, count: number): Promise<void> {
    const room = this.rooms[roomIndex]!;
    for (let i = 0; i < count; i++) {
      const member = room.members[i % room.members.length]!;
      const payload = { sessionId: room.id, clientId: randomUUID(), text: `history ${i} ${padding}` };
      // Hearth's limits hold here too: a busy account waits its turn and resends.
      for (;;) {
        const sent = await this.command(member, 'message:send', payload).then(
          () => true,
          (error: Error) => {
            if (!error.message.includes('rate_limited')) throw error;
            return false;
          },
        );
        if (sent) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private command(member: Member, event: string, payload: object): Promise<{ hasMore: boolean; lastSeq: number }> {
    return new Promise((resolve, reject) => {
      member.socket.emit(event, payload, (ack: { ok: boolean; data: { hasMore: boolean; lastSeq: number }; error?: { code: string } }) =>
        ack.ok ? resolve(ack.data) : reject(new Error(`${event} refused: ${ack.error?.code}`)),
      );
    });
  }

  close(): void {
    for (const member of this.members) member.socket.close();
    this.members = [];
    this.rooms = [];
    this.registry.clear();
  }
}
