import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';

/**
 * Loads the queue's Lua scripts (one per state change, named `<verb>-<numKeys>.lua`, after
 * bullmq) as ioredis commands: EVALSHA with a NOSCRIPT fallback, for free.
 */
const SCRIPTS = ['enqueue-3', 'count-attempt-4', 'ack-3', 'nack-4', 'dead-letter-4', 'reap-5'] as const;
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
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Registers the scripts on a connection (idempotent) and returns them typed. */
export function queueCommands(redis: Redis): QueueCommands {
  const r = redis as unknown as Record<string, unknown>;
  for (const name of SCRIPTS) {
    const numberOfKeys = Number(name.split('-').pop());
    const verb = camel(name.replace(/-\d+$/, ''));
    if (typeof r[`sh_${verb}`] !== 'function') {
      redis.defineCommand(`sh_${verb}`, { numberOfKeys, lua: sources.get(name) ?? '' });
    }
  }
  return Object.fromEntries(
    SCRIPTS.map((name) => {
      const verb = camel(name.replace(/-\d+$/, ''));
      const fn = r[`sh_${verb}`] as (...a: (string | number)[]) => Promise<unknown>;
      return [verb, (...args: (string | number)[]) => fn.apply(redis, args)];
    }),
  ) as unknown as QueueCommands;
}
