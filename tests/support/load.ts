import { randomUUID } from 'node:crypto';
import type { Ack, ApiError, Message, RoomEvent } from '@hearth/shared';
import { percentile } from './figures.ts';
import { connect, type TestSocket } from './socket.ts';

/**
 * A small steady load on one room, as real clients make it: each member follows the room the
 * way the client does and sends a message every so often; when its node goes away it
 * reconnects to another (what the load balancer does) and sends again, with the same client id,
 * whatever was left unanswered. Every send is recorded, so a test can account for each one.
 */

/** Answers the real client takes for a passing trouble and sends again (see roomClient.ts). */
const PASSING_TROUBLES: ReadonlySet<string> = new Set(['unavailable', 'internal', 'rate_limited']);
/** How often the real client sends an unconfirmed message again on one connection. */
const RESENDS_PER_CONNECTION = 3;
const CONNECT_TIMEOUT_MS = 3000;
/** How long a member keeps trying to get back in before it counts as lost. */
const RECONNECT_GIVE_UP_MS = 30_000;

export type AttemptResult =
  | { kind: 'ok'; seq: number }
  | { kind: 'error'; code: string }
  | { kind: 'no-answer'; why: 'timeout' | 'disconnected' };

export type Attempt = {
  /** The node it went to, by name. */
  node: string;
  at: number;
  answeredAt: number | null;
  result: AttemptResult | null;
};

export type SendRecord = {
  sender: string;
  clientId: string;
  text: string;
  /** When it was first sent. */
  sentAt: number;
  attempts: Attempt[];
  /** `sending` until the server acknowledged it or its sender was told it failed. */
  status: 'sending' | 'acked' | 'failed';
  seq: number | null;
  error: ApiError | { code: 'no_answer'; message: string } | null;
};

export type Reconnect = { from: string; to: string; reason: string; lostAt: number; backAt: number };

export type LoadNode = { name: string; url: string };

type MemberOptions = {
  name: string;
  cookie: string;
  sessionId: string;
  /** Every node behind the "load balancer", and the one this member starts on. */
  nodes: readonly LoadNode[];
  home: string;
  /** Pause between two ticks of the sender, at random in this range (ms). */
  interval: readonly [number, number];
  ackTimeoutMs: number;
  /** Told of every send as it goes out, before its answer. */
  onAttempt: (attempt: Attempt) => void;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ask<T>(socket: TestSocket, event: string, payload: unknown, ms: number): Promise<Ack<T>> {
  return (socket.timeout(ms) as any).emitWithAck(event, payload);
}

/** A connection that gives up quickly: the node it was aimed at may just have been killed. */
const openSocket = (url: string, cookie: string) => connect(url, cookie, { timeoutMs: CONNECT_TIMEOUT_MS });

type EventPage = { events: RoomEvent[]; lastSeq: number; hasMore: boolean };

/** One person in the room: a follower of its events and a sender of messages. */
export class RoomMember {
  readonly name: string;
  /** Every event applied, in the order applied, over every connection. */
  readonly applied: RoomEvent[] = [];
  readonly sends: SendRecord[] = [];
  readonly reconnects: Reconnect[] = [];
  readonly disconnects: Array<{ node: string; reason: string; at: number }> = [];
  /** Catch-ups or joins that did not work (the room's store away, say); the client tries again. */
  failedSyncs = 0;
  /** Set when the member could not get back into the room at all. */
  lostFor: string | null = null;
  lastSeq = 0;
  node: string;

  private socket: TestSocket | null = null;
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private current: SendRecord | null = null;
  private inFlight = false;
  private resendsLeft = RESENDS_PER_CONNECTION;
  private generating = false;
  private closed = false;
  private reconnecting = false;
  private loop: Promise<void> | null = null;
  private counter = 0;

  constructor(private readonly options: MemberOptions) {
    this.name = options.name;
    this.node = options.home;
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Has nothing unsettled: every message it wrote was acknowledged or reported failed. */
  get settled(): boolean {
    return this.current === null && !this.inFlight;
  }

  /** Connects to its home node and enters the room from the start. */
  async enter(): Promise<void> {
    const home = this.options.nodes.find((node) => node.name === this.options.home)!;
    await this.connectAndJoin(home);
    this.loop = this.run();
  }

  startSending(): void {
    this.generating = true;
  }

  stopSending(): void {
    this.generating = false;
  }

  /** Catches up until it has applied everything up to `seq`, as a client's catch-up would. */
  async reach(seq: number, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.lastSeq < seq) {
      if (Date.now() > deadline) throw new Error(`${this.name} applied up to ${this.lastSeq}, expected ${seq}`);
      if (this.connected) await this.sync();
      if (this.lastSeq < seq) await sleep(100);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.generating = false;
    this.socket?.close();
    await this.loop;
  }

  private async connectAndJoin(node: LoadNode): Promise<void> {
    const socket = await openSocket(node.url, this.options.cookie);
    try {
      socket.on('room:event', (event) => {
        if (socket === this.socket) this.receive(event);
      });
      socket.on('disconnect', (reason) => {
        if (socket === this.socket) this.lost(reason);
      });
      const joined = await ask<EventPage>(
        socket,
        'room:join',
        { sessionId: this.options.sessionId, afterSeq: this.lastSeq, reminderAcknowledged: true },
        this.options.ackTimeoutMs,
      );
      if (!joined.ok) throw new Error(`room:join refused: ${joined.error.code}`);
      if (!socket.connected) throw new Error('connection dropped while joining');
      if (this.closed) throw new Error('the load was closed while joining');
      this.apply(joined.data);
      this.socket = socket;
      this.node = node.name;
      // A new connection starts the resends afresh, as the client's flush does.
      this.resendsLeft = RESENDS_PER_CONNECTION;
      // Events broadcast while the join was answered were not yet this socket's to apply.
      void this.sync();
    } catch (error) {
      socket.close();
      throw error;
    }
  }

  private lost(reason: string): void {
    const from = this.node;
    const lostAt = Date.now();
    this.disconnects.push({ node: from, reason, at: lostAt });
    this.socket = null;
    if (this.closed || this.reconnecting) return;
    this.reconnecting = true;
    void this.reconnect(from, reason, lostAt).finally(() => {
      this.reconnecting = false;
    });
  }

  /** Tries the other nodes first, then all of them again, as a load balancer would route. */
  private async reconnect(from: string, reason: string, lostAt: number): Promise<void> {
    const nodes = this.options.nodes;
    const start = nodes.findIndex((node) => node.name === from);
    const order = nodes.map((_, i) => nodes[(start + 1 + i) % nodes.length]!);
    while (!this.closed) {
      for (const node of order) {
        if (this.closed) return;
        try {
          await this.connectAndJoin(node);
          this.reconnects.push({ from, to: node.name, reason, lostAt, backAt: Date.now() });
          return;
        } catch {
          // That node is not taking connections (gone, or draining): the next one is tried.
        }
      }
      if (Date.now() - lostAt > RECONNECT_GIVE_UP_MS) {
        this.lostFor = `no node took ${this.name} back within ${RECONNECT_GIVE_UP_MS} ms`;
        return;
      }
      await sleep(200);
    }
  }

  /** A live event: applied if it is the next one, otherwise what was missed is asked for first. */
  private receive(event: RoomEvent): void {
    if (event.sessionId !== this.options.sessionId || event.seq <= this.lastSeq) return;
    if (event.seq === this.lastSeq + 1 && !this.syncing) {
      this.applied.push(event);
      this.lastSeq = event.seq;
      return;
    }
    void this.sync();
  }

  /** Applies a page the server vouches for: everything up to its `lastSeq` has committed. */
  private apply(page: EventPage): void {
    for (const event of page.events) {
      if (event.seq <= this.lastSeq) continue;
      this.applied.push(event);
      this.lastSeq = event.seq;
    }
    this.lastSeq = Math.max(this.lastSeq, page.lastSeq);
  }

  /** One catch-up at a time; a gap noticed meanwhile runs it once more. */
  private sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        await this.catchUp();
      } while (this.syncAgain && this.connected);
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async catchUp(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    try {
      let more = true;
      while (more && socket === this.socket) {
        const page = await ask<EventPage>(
          socket,
          'room:catch-up',
          { sessionId: this.options.sessionId, afterSeq: this.lastSeq },
          this.options.ackTimeoutMs,
        );
        if (!page.ok) throw new Error(page.error.code);
        this.apply(page.data);
        more = page.data.hasMore;
      }
    } catch {
      // The next gap, or the next join, asks again.
      this.failedSyncs++;
    }
  }

  private async run(): Promise<void> {
    const [low, high] = this.options.interval;
    while (!this.closed) {
      await sleep(low + Math.random() * (high - low));
      this.tick();
    }
  }

  /**
   * One message at a time, in order: the next is written only once the last was acknowledged or
   * reported failed, so a sender's messages are stored in the order written. At most one
   * attempt per tick keeps every sender under the per-account write limit.
   */
  private tick(): void {
    const socket = this.socket;
    if (this.inFlight || !socket?.connected) return;
    if (!this.current) {
      if (!this.generating) return;
      this.current = this.write();
    }
    this.attempt(this.current, socket);
  }

  private write(): SendRecord {
    const clientId = randomUUID();
    const record: SendRecord = {
      sender: this.name,
      clientId,
      text: `${this.name} says #${++this.counter} (${clientId.slice(0, 8)})`,
      sentAt: Date.now(),
      attempts: [],
      status: 'sending',
      seq: null,
      error: null,
    };
    this.sends.push(record);
    return record;
  }

  private attempt(record: SendRecord, socket: TestSocket): void {
    this.inFlight = true;
    const attempt: Attempt = { node: this.node, at: Date.now(), answeredAt: null, result: null };
    record.attempts.push(attempt);
    const payload = { sessionId: this.options.sessionId, clientId: record.clientId, text: record.text };
    const answer = ask<{ seq: number }>(socket, 'message:send', payload, this.options.ackTimeoutMs);
    this.options.onAttempt(attempt);
    answer
      .then(
        (ack) => {
          attempt.answeredAt = Date.now();
          if (ack.ok) {
            attempt.result = { kind: 'ok', seq: ack.data.seq };
            this.settle(record, 'acked', ack.data.seq, null);
          } else {
            attempt.result = { kind: 'error', code: ack.error.code };
            if (!PASSING_TROUBLES.has(ack.error.code) || !this.spendResend()) {
              this.settle(record, 'failed', null, ack.error);
            }
          }
        },
        () => {
          // socket.io fails a waiting answer at once when the connection drops.
          const why = socket.connected ? 'timeout' : 'disconnected';
          attempt.result = { kind: 'no-answer', why };
          if (why === 'timeout' && !this.spendResend()) {
            this.settle(record, 'failed', null, { code: 'no_answer', message: 'no answer to any resend' });
          }
        },
      )
      .finally(() => {
        this.inFlight = false;
      });
  }

  private spendResend(): boolean {
    if (this.resendsLeft === 0) return false;
    this.resendsLeft--;
    return true;
  }

  private settle(record: SendRecord, status: 'acked' | 'failed', seq: number | null, error: SendRecord['error']) {
    record.status = status;
    record.seq = seq;
    record.error = error;
    this.current = null;
    this.resendsLeft = RESENDS_PER_CONNECTION;
  }
}

export type LoadOptions = {
  sessionId: string;
  nodes: readonly LoadNode[];
  members: ReadonlyArray<{ name: string; cookie: string; home: string }>;
  interval?: readonly [number, number];
  ackTimeoutMs?: number;
};

/** Every member enters the room on its home node; nobody sends until `startSending`. */
export async function roomLoad(options: LoadOptions) {
  let watchers: Array<{ node: string; wake: () => void }> = [];
  const onAttempt = (attempt: Attempt) => {
    const woken = watchers.filter((watcher) => watcher.node === attempt.node);
    watchers = watchers.filter((watcher) => watcher.node !== attempt.node);
    woken.forEach((watcher) => watcher.wake());
  };
  const members = options.members.map(
    (spec) =>
      new RoomMember({
        ...spec,
        sessionId: options.sessionId,
        nodes: options.nodes,
        interval: options.interval ?? [700, 900],
        ackTimeoutMs: options.ackTimeoutMs ?? 8000,
        onAttempt,
      }),
  );
  const entered = await Promise.allSettled(members.map((member) => member.enter()));
  const refused = entered.find((result) => result.status === 'rejected');
  if (refused) {
    await Promise.all(members.map((member) => member.close()));
    throw refused.reason;
  }

  const sends = () => members.flatMap((member) => member.sends);

  return {
    members,
    sends,
    /** Every attempt with the send it belongs to. */
    attempts: () => sends().flatMap((record) => record.attempts.map((attempt) => ({ record, attempt }))),
    startSending: () => members.forEach((member) => member.startSending()),
    /**
     * Resolves the moment a send to `node` has gone out and is not yet answered: when a fault
     * injected there meets a send under way.
     */
    sendUnderWay(node: string, ms = 10_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no send to node ${node} within ${ms} ms`)), ms);
        watchers.push({
          node,
          wake: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    stopSending: () => members.forEach((member) => member.stopSending()),
    /** Waits until every sender's last message is acknowledged or reported failed; returns the unsettled. */
    async settle(ms: number): Promise<SendRecord[]> {
      const deadline = Date.now() + ms;
      while (members.some((member) => !member.settled) && Date.now() < deadline) await sleep(100);
      return sends().filter((record) => record.status === 'sending');
    },
    /** Brings every member up to `seq` (the room's last event), through catch-up. */
    async catchUp(seq: number, ms: number): Promise<void> {
      await Promise.all(members.map((member) => member.reach(seq, ms)));
    },
    async close(): Promise<void> {
      await Promise.all(members.map((member) => member.close()));
    },
  };
}

export type RoomLoad = Awaited<ReturnType<typeof roomLoad>>;

const postedIn = (events: readonly RoomEvent[]): Message[] =>
  events.flatMap((event) => (event.type === 'message' && event.change === 'posted' ? [event.message] : []));

function tally<T>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** The room's whole history, read as a newcomer would: a fresh socket's join from 0, then catch-up. */
export async function roomHistory(url: string, cookie: string, sessionId: string): Promise<{ events: RoomEvent[]; lastSeq: number }> {
  const socket = await openSocket(url, cookie);
  try {
    const events: RoomEvent[] = [];
    let page = await ask<EventPage>(socket, 'room:join', { sessionId, afterSeq: 0, reminderAcknowledged: true }, 10_000);
    for (;;) {
      if (!page.ok) throw new Error(`reading the history: ${page.error.code}: ${page.error.message}`);
      events.push(...page.data.events);
      if (!page.data.hasMore) return { events, lastSeq: page.data.lastSeq };
      page = await ask<EventPage>(socket, 'room:catch-up', { sessionId, afterSeq: page.data.lastSeq }, 10_000);
    }
  } finally {
    socket.close();
  }
}

/**
 * What went wrong in delivery, if anything. Every list is empty when every acknowledged message
 * reached every member exactly once, in order, and the stored history holds each send at most
 * once (an acknowledged one exactly once, where it was acknowledged).
 */
export function deliveryFindings(load: RoomLoad, history: readonly RoomEvent[]) {
  const sends = load.sends();
  const acked = sends.filter((record) => record.status === 'acked');
  const stored = postedIn(history);
  const storedByClientId = tally(stored.map((message) => message.clientId));
  const storedByText = tally(stored.map((message) => message.text));
  const storedSeq = new Map(stored.map((message) => [message.clientId, message.seq]));

  const perMember = load.members.flatMap((member) => {
    const seen = tally(postedIn(member.applied).map((message) => message.clientId));
    const seqs = member.applied.map((event) => event.seq);
    return [
      ...acked
        .filter((record) => (seen.get(record.clientId) ?? 0) !== 1)
        .map((record) => `${member.name} saw ${record.text} ${seen.get(record.clientId) ?? 0} times`),
      ...seqs.flatMap((seq, i) => (i > 0 && seq <= seqs[i - 1]! ? [`${member.name} applied seq ${seq} after ${seqs[i - 1]}`] : [])),
    ];
  });

  const storedProblems = [
    ...[...storedByClientId].filter(([, n]) => n > 1).map(([clientId, n]) => `client id ${clientId} stored ${n} times`),
    ...[...storedByText].filter(([, n]) => n > 1).map(([text, n]) => `"${text}" stored ${n} times`),
    ...acked
      .filter((record) => storedSeq.get(record.clientId) !== record.seq)
      .map((record) => `${record.text} acknowledged as seq ${record.seq}, stored as ${storedSeq.get(record.clientId)}`),
  ];

  const senders = [...new Set(sends.map((record) => record.sender))];
  const ordering = senders.flatMap((sender) => {
    const seqs = acked.filter((record) => record.sender === sender).map((record) => record.seq!);
    return seqs.flatMap((seq, i) => (i > 0 && seq <= seqs[i - 1]! ? [`${sender}: seq ${seq} sent after seq ${seqs[i - 1]}`] : []));
  });

  return {
    /** Acknowledged messages a member missed or saw twice, and seqs applied out of order. */
    perMember,
    /** Duplicates in the stored history, or an acknowledged message stored elsewhere or not at all. */
    history: storedProblems,
    /** A sender's messages stored out of the order they were written. */
    ordering,
    /** Sends never settled: neither acknowledged nor reported failed. */
    unsettled: sends.filter((record) => record.status === 'sending').map((record) => record.text),
  };
}

/**
 * Sends `node` stored but never answered: the message was already in the history (its row's
 * time is its transaction's start) before its sender sent it again elsewhere. A resend gets it
 * back, so nothing is lost; a graceful stop answers such sends before it goes.
 */
export function committedButUnanswered(load: RoomLoad, history: readonly RoomEvent[], node: string): SendRecord[] {
  const storedAt = new Map(postedIn(history).map((message) => [message.clientId, Date.parse(message.createdAt)]));
  return load.sends().filter((record) => {
    const cut = record.attempts.findIndex((attempt) => attempt.node === node && attempt.result?.kind === 'no-answer');
    if (cut === -1 || !storedAt.has(record.clientId)) return false;
    const resent = record.attempts[cut + 1];
    return resent === undefined || storedAt.get(record.clientId)! < resent.at;
  });
}

/** Counts for a test's figures: what was sent and what became of it. */
export function loadFigures(load: RoomLoad, history: readonly RoomEvent[]) {
  const sends = load.sends();
  const storedIds = new Set(postedIn(history).map((message) => message.clientId));
  const failed = sends.filter((record) => record.status === 'failed');
  const attempts = sends.flatMap((record) => record.attempts);
  const errors = tally(attempts.flatMap((a) => (a.result?.kind === 'error' ? [a.result.code] : [])));
  const reconnects = load.members.flatMap((member) => member.reconnects);
  const reconnectMs = reconnects.map((r) => r.backAt - r.lostAt);
  return {
    sends: sends.length,
    acked: sends.filter((record) => record.status === 'acked').length,
    ackedAfterResend: sends.filter((record) => record.status === 'acked' && record.attempts.length > 1).length,
    failed: failed.length,
    failedButStored: failed.filter((record) => storedIds.has(record.clientId)).length,
    attempts: attempts.length,
    errorAnswers: [...errors].map(([code, n]) => `${code}×${n}`).join(', ') || 'none',
    noAnswer: attempts.filter((a) => a.result?.kind === 'no-answer').length,
    reconnects: reconnects.length,
    reconnectP50Ms: reconnects.length ? percentile(reconnectMs, 50) : 0,
    reconnectMaxMs: reconnects.length ? Math.max(...reconnectMs) : 0,
    storedMessages: postedIn(history).length,
  };
}

export function describeFigures(figures: ReturnType<typeof loadFigures>): string {
  return (
    `${figures.sends} messages written, ${figures.attempts} send attempts; ${figures.acked} acknowledged ` +
    `(${figures.ackedAfterResend} after a resend), ${figures.failed} reported failed ` +
    `(${figures.failedButStored} of them stored anyway); error answers: ${figures.errorAnswers}; ` +
    `no answer: ${figures.noAnswer}; reconnects: ${figures.reconnects}` +
    (figures.reconnects ? ` (p50 ${figures.reconnectP50Ms} ms, max ${figures.reconnectMaxMs} ms)` : '') +
    `; history holds ${figures.storedMessages} messages`
  );
}
