import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

/**
 * The floor Hearth is measured against: a bare socket.io broadcast server, run as its own
 * process. No login, no validation, no storage: `join` puts a socket in a room, `send` emits
 * the payload to everyone in it and acknowledges. With REDIS_URL (and REDIS_KEY_PREFIX) it uses
 * the Redis adapter, as Hearth's nodes do. Prints `floor ready on <port>` once listening.
 */
const port = Number(process.env.PORT ?? 0);
const http = createServer();
const io = new Server(http, { serveClient: false });

if (process.env.REDIS_URL) {
  const pub = createClient({ url: process.env.REDIS_URL });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key: `${process.env.REDIS_KEY_PREFIX ?? 'floor'}:socket.io` }));
}

io.on('connection', (socket) => {
  socket.on('join', (room: string, ack: () => void) => {
    void socket.join(room);
    ack();
  });
  socket.on('send', (room: string, payload: unknown, ack: () => void) => {
    io.to(room).emit('msg', payload);
    ack();
  });
});

http.listen(port, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`floor ready on ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.on('SIGTERM', () => {
  void io.close().then(() => process.exit(0));
});
