/**
 * Issue #18.8: under `npm start` the RTSP server (a real rtsp-streaming-server child process)
 * listens on 127.0.0.1 only, unless BIND_HOST says otherwise. Read from the kernel's socket
 * table (/proc/net/tcp, tcp6), so nothing is sent to any non-loopback address.
 */
import { readFile } from 'node:fs/promises';
import { freePort } from '../../../functions/shared/src/net';
import { startRtspServer } from '../src/adapters/rtsp-server';

/** Local addresses (hex, as the kernel prints them) of LISTEN sockets on `port`. */
async function listeners(port: number): Promise<string[]> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [addr, p] = (cols[1] ?? '').split(':');
      if (p === hexPort && cols[3] === '0A' && addr) out.push(addr);
    }
  }
  return out;
}

test("#18.8 npm start binds rtsp-sim's RTSP server on 127.0.0.1 unless told otherwise", async () => {
  const [serverPort, clientPort] = [await freePort(), await freePort()];
  const rtpPortStart = 30000 + Math.floor(Math.random() * 20000);
  const server = await startRtspServer({ serverPort, clientPort, rtpPortStart, rtpPortCount: 20 });
  try {
    for (const port of [serverPort, clientPort]) {
      const addrs = await listeners(port);
      expect(addrs.length).toBeGreaterThan(0);
      // 0100007F is 127.0.0.1; all zeros would be 0.0.0.0 or ::
      expect(addrs).toEqual(addrs.map(() => '0100007F'));
    }
  } finally {
    await server.stop();
  }
});
