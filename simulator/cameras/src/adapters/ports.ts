import net from 'node:net';

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A random even start for a block of `count` UDP ports inside 3000–4998, so simultaneous
 * simulators (parallel tests) rarely share RTP ports and never meet ffmpeg's 5000+ ports.
 */
export function randomRtpBlock(count: number): number {
  const slots = Math.floor((4998 - 3000 - count) / 2);
  return 3000 + 2 * Math.floor(Math.random() * Math.max(1, slots));
}
