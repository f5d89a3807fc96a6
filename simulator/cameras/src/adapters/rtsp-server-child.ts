/**
 * Child-process entry that runs the npm `rtsp-streaming-server` (it has no stop(): running it
 * in its own process makes stopping it a kill, keeps its single thread off the parent's event
 * loop, and lets two simulators run side by side). argv[2] is the JSON RtspServerConfig.
 * Prints `READY` on stdout once both ports listen; exits when stdin closes (parent gone).
 */
import RtspServer, { type RtspServerConfig } from 'rtsp-streaming-server';

const config = JSON.parse(process.argv[2] ?? '{}') as RtspServerConfig;
const server = new RtspServer(config);

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();

server.start().then(
  () => process.stdout.write('READY\n'),
  (err: unknown) => {
    process.stderr.write(`rtsp-streaming-server failed to start: ${String(err)}\n`);
    process.exit(1);
  },
);
