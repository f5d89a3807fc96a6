import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

export interface SlowClientBounds {
  /** The request headers must arrive within this. */
  readonly headersTimeoutMs: number;
  /** The whole request (headers + body) must arrive within this. */
  readonly requestTimeoutMs: number;
}

/**
 * Bounds slow clients (slow-loris: a socket that trickles its headers holds a connection
 * forever). Node enforces `server.headersTimeout` / `requestTimeout`, but only from a check every
 * `connectionsCheckingInterval` (30 s by default, a createServer option we cannot set here:
 * functions-framework builds the server; https://nodejs.org/api/http.html#serverheaderstimeout),
 * so a connection's *first* request also gets its own timer, exact to the millisecond, cleared
 * once its headers are in. Answers are not bounded: SSE streams stay open.
 */
export function boundSlowClients(server: Server, b: SlowClientBounds): void {
  server.headersTimeout = b.headersTimeoutMs;
  server.requestTimeout = Math.max(b.requestTimeoutMs, b.headersTimeoutMs);
  const firstRequest = new WeakMap<Socket, NodeJS.Timeout>();
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), b.headersTimeoutMs);
    timer.unref();
    firstRequest.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  // 'request' fires once a request's headers are parsed
  server.on('request', (req: IncomingMessage) => {
    const timer = firstRequest.get(req.socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    firstRequest.delete(req.socket);
  });
}
