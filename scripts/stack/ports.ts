import dgram from 'node:dgram';
import net from 'node:net';

/** True when nothing listens on TCP `port` (checked by binding it on all interfaces, as the parts do). */
export function isTcpPortFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * `count` distinct TCP ports the OS says are free: all are held open until every one is chosen
 * (ports taken and released one after the other can repeat — two parts would then share one).
 */
export async function freeTcpPorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: 0, host, exclusive: true }, () => resolve());
      });
      servers.push(server);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

/** A TCP port the OS says is free right now (bind 0, read, close). */
export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind({ port, address: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * An even start of `count` consecutive free UDP ports inside [min, max]. rtsp-streaming-server
 * answers SETUP with a port before binding it and loses the stream when that port is taken
 * (docs/architecture.md §5), so the stack gives it a block nobody uses. `preferred` is tried first.
 */
export async function freeUdpBlock(
  count: number,
  preferred: number,
  min = 1024,
  max = 4998,
  tries = 40,
): Promise<number | undefined> {
  const fits = (start: number) => start >= min && start + count - 1 <= max;
  const candidates = fits(preferred) ? [preferred] : [];
  for (let i = 0; i < tries; i++) candidates.push(min + 2 * Math.floor(Math.random() * ((max - min - count) / 2)));
  for (const start of candidates) {
    if (!fits(start)) continue;
    let ok = true;
    for (let p = start; p < start + count && ok; p++) ok = await udpFree(p);
    if (ok) return start;
  }
  return undefined;
}
