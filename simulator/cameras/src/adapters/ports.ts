export { freePort } from '../../../../functions/shared/src/net';

/**
 * A random even start for a block of `count` UDP ports inside 3000–4998, so simultaneous
 * simulators (parallel tests) rarely share RTP ports and never meet ffmpeg's 5000+ ports.
 */
export function randomRtpBlock(count: number): number {
  const slots = Math.floor((4998 - 3000 - count) / 2);
  return 3000 + 2 * Math.floor(Math.random() * Math.max(1, slots));
}
