import type { Redis } from 'ioredis';
import { lua, luaReply, luaScripts, type LuaScripts } from '../lua';

/** `[1 | 0 | -1, dropped count, ...dropped raw jobs | stored path]` (enqueue-4.lua). */
export type EnqueueReply = [status: number, dropped: number, ...rest: string[]];

/**
 * The queue's Lua scripts (one per state change), declared with their KEYS and ARGV by name.
 * Key names are the same in every script: `pending` (safety:clips), `dead`, `stats`, `attempts`,
 * `claimed`, `processing` (the consumer's list), `heartbeat`, `consumers`, `marker` (the dedup key).
 */
const specs = {
  'enqueue-4': lua({
    keys: ['pending', 'dead', 'stats', 'marker'],
    args: ['raw', 'dedupTtlSeconds', 'maxLength', 'now', 'path'],
    reply: (raw): EnqueueReply => {
      const [status, dropped, ...rest] = luaReply.array(raw);
      return [Number(status), Number(dropped), ...rest.map(String)];
    },
  }),
  'count-attempt-5': lua({
    keys: ['processing', 'attempts', 'dead', 'stats', 'claimed'],
    args: ['raw', 'maxAttempts', 'now', 'consumerId'],
    reply: luaReply.number,
  }),
  'ack-4': lua({ keys: ['processing', 'attempts', 'stats', 'claimed'], args: ['raw'], reply: luaReply.number }),
  'nack-5': lua({
    keys: ['processing', 'pending', 'attempts', 'stats', 'claimed'],
    args: ['raw', 'mode'],
    reply: luaReply.number,
  }),
  'dead-letter-5': lua({
    keys: ['processing', 'dead', 'attempts', 'stats', 'claimed'],
    args: ['raw', 'entry'],
    reply: luaReply.number,
  }),
  'reap-6': lua({
    keys: ['heartbeat', 'processing', 'pending', 'consumers', 'stats', 'claimed'],
    args: ['consumerId'],
    reply: luaReply.number,
  }),
  'reconcile-claimed-n': lua({
    keys: ['claimed'],
    restKeys: 'processingLists',
    args: ['cutoffMs'],
    reply: (raw) => luaReply.array(raw).map(Number) as [removed: number, added: number],
  }),
};

const load = luaScripts('queue', `${__dirname}/lua`, specs);

export type QueueCommands = LuaScripts<typeof specs>;

/** Registers the scripts on a connection (idempotent) and returns them typed. */
export function queueCommands(redis: Redis): QueueCommands {
  return load(redis);
}
