import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';

/**
 * Loads the queue's Lua scripts (one per state change, named `<verb>-<numKeys>.lua`, after
 * bullmq) as ioredis commands: EVALSHA with a NOSCRIPT fallback, for free. `-n`: the number
 * of keys varies and is the command's first argument (ioredis: defineCommand without numberOfKeys).
 */
const SCRIPTS = ['enqueue-3', 'count-attempt-5', 'ack-4', 'nack-5', 'dead-letter-5', 'reap-6', 'reconcile-claimed-n'] as const;
type ScriptName = (typeof SCRIPTS)[number];

const sources = new Map<ScriptName, string>(
  SCRIPTS.map((name) => [name, fs.readFileSync(path.join(__dirname, 'lua', `${name}.lua`), 'utf8')]),
);

type Command = (...args: (string | number)[]) => Promise<unknown>;
export interface QueueCommands {
  enqueue: Command;
  countAttempt: Command;
  ack: Command;
  nack: Command;
  deadLetter: Command;
  reap: Command;
  /** (numKeys, claimed zset, ...processing lists, cutoff ms) */
  reconcileClaimed: Command;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Registers the scripts on a connection (idempotent) and returns them typed. */
export function queueCommands(redis: Redis): QueueCommands {
  const r = redis as unknown as Record<string, unknown>;
  for (const name of SCRIPTS) {
    const suffix = name.split('-').pop();
    const verb = camel(name.replace(/-(\d+|n)$/, ''));
    if (typeof r[`sh_${verb}`] !== 'function') {
      const lua = sources.get(name) ?? '';
      redis.defineCommand(`sh_${verb}`, suffix === 'n' ? { lua } : { numberOfKeys: Number(suffix), lua });
    }
  }
  return Object.fromEntries(
    SCRIPTS.map((name) => {
      const verb = camel(name.replace(/-(\d+|n)$/, ''));
      const fn = r[`sh_${verb}`] as (...a: (string | number)[]) => Promise<unknown>;
      return [verb, (...args: (string | number)[]) => fn.apply(redis, args)];
    }),
  ) as unknown as QueueCommands;
}
