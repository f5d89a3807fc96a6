import type { Redis } from 'ioredis';
import { luaScripts, type LuaCommand } from '../lua';

/**
 * The queue's Lua scripts (one per state change, named `<verb>-<numKeys>.lua`, after bullmq),
 * loaded through the one loader (`../lua`). `-n`: the number of keys varies and is the
 * command's first argument.
 */
const load = luaScripts('sh', `${__dirname}/lua`, [
  'enqueue-3',
  'count-attempt-5',
  'ack-4',
  'nack-5',
  'dead-letter-5',
  'reap-6',
  'reconcile-claimed-n',
] as const);

export interface QueueCommands {
  enqueue: LuaCommand;
  countAttempt: LuaCommand;
  ack: LuaCommand;
  nack: LuaCommand;
  deadLetter: LuaCommand;
  reap: LuaCommand;
  /** (numKeys, claimed zset, ...processing lists, cutoff ms) */
  reconcileClaimed: LuaCommand;
}

/** Registers the scripts on a connection (idempotent) and returns them typed. */
export function queueCommands(redis: Redis): QueueCommands {
  return load(redis);
}
