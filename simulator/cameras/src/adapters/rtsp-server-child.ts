/**
 * Child-process entry that runs the npm `rtsp-streaming-server` (it has no stop(): running it
 * in its own process makes stopping it a kill, keeps its single thread off the parent's event
 * loop, and lets two simulators run side by side). argv[2] is the JSON RtspServerConfig.
 * Prints `READY` on stdout once both ports listen; exits when stdin closes (parent gone).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import RtspServer, { type RtspServerConfig } from 'rtsp-streaming-server';
import { parseConfig } from '../../../../functions/shared/src/config';

/**
 * rtsp-streaming-server has no bind-address option: it calls `server.listen(port, cb)` and
 * `socket.bind(port, cb)` (its build/lib/ClientServer.js, PublishServer.js, RtpUdp.js and
 * Client.js, v2.1.0), i.e. every interface. In this child process only, a listen or bind given
 * a port and no address gets BIND_HOST (default 127.0.0.1; the image sets 0.0.0.0; issue #18.8).
 */
function bindPortOnlyCallsTo(host: string): void {
  const withHost = (args: unknown[]) =>
    typeof args[0] === 'number' && typeof args[1] !== 'string' ? [args[0], host, ...args.slice(1)] : args;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called only via apply(this) below
  const listen = net.Server.prototype.listen as (...a: unknown[]) => net.Server;
  net.Server.prototype.listen = function patchedListen(this: net.Server, ...args: unknown[]) {
    return listen.apply(this, withHost(args));
  } as typeof net.Server.prototype.listen;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called only via apply(this) below
  const bind = dgram.Socket.prototype.bind as (...a: unknown[]) => dgram.Socket;
  dgram.Socket.prototype.bind = function patchedBind(this: dgram.Socket, ...args: unknown[]) {
    return bind.apply(this, withHost(args));
  };
}
bindPortOnlyCallsTo(parseConfig(process.env).common.bindHost);

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
