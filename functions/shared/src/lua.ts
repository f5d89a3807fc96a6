import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';

/**
 * The one loader for every Lua script in the project. A script lives in a `lua/` folder beside
 * the module that uses it, named `<verb>-<numKeys>.lua` (after bullmq), and is registered with
 * ioredis `defineCommand` (EVALSHA with a NOSCRIPT fallback, so a Redis restart is harmless).
 * A `-n` suffix (`reconcile-claimed-n.lua`) means the number of keys varies: the command's first
 * argument is that count (ioredis: `defineCommand` without `numberOfKeys`).
 * Commands are namespaced `<namespace>_<verb>` on the connection, so two modules can share one.
 */
export type LuaCommand = (...args: (string | number | Buffer)[]) => Promise<unknown>;

/** `['ack-3', 'count-attempt-5', 'reconcile-claimed-n']` → `{ ack, countAttempt, reconcileClaimed }`. */
type VerbOf<S extends string> = S extends `${infer V}-n`
  ? CamelCase<V>
  : LastDash<S> extends infer V extends string
    ? CamelCase<V>
    : never;
/** Everything before the last `-<digits>`: TypeScript's template inference splits at the first `-`, so recurse. */
type LastDash<S extends string, Acc extends string = ''> = S extends `${infer H}-${infer T}`
  ? T extends `${number}`
    ? `${Acc}${H}`
    : LastDash<T, `${Acc}${H}-`>
  : never;
type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
export type LuaCommands<S extends readonly string[]> = { [K in S[number] as VerbOf<K>]: LuaCommand };

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

interface Parsed {
  file: string;
  verb: string;
  /** undefined: variable (`-n`), passed as the first argument. */
  numberOfKeys: number | undefined;
  source: string;
}

/**
 * Reads the scripts once (at module load of the caller) and returns a function that registers
 * them on a connection (idempotent) and gives them back typed.
 */
export function luaScripts<const S extends readonly string[]>(
  namespace: string,
  dir: string,
  names: S,
): (redis: Redis) => LuaCommands<S> {
  const parsed: Parsed[] = names.map((file) => {
    const m = /^(.*)-(\d+|n)$/.exec(file);
    if (!m?.[1] || !m[2]) throw new Error(`Lua script name ${file}: expected <verb>-<numKeys> or <verb>-n`);
    const numberOfKeys = m[2] === 'n' ? undefined : Number(m[2]);
    return { file, verb: camel(m[1]), numberOfKeys, source: fs.readFileSync(path.join(dir, `${file}.lua`), 'utf8') };
  });
  return (redis) => {
    // ioredis adds defined commands as methods on the connection; reach them by name.
    const methods = redis as unknown as Record<string, LuaCommand | undefined>;
    const out: Record<string, LuaCommand> = {};
    for (const p of parsed) {
      const name = `${namespace}_${p.verb}`;
      if (typeof methods[name] !== 'function') {
        redis.defineCommand(
          name,
          p.numberOfKeys === undefined ? { lua: p.source } : { numberOfKeys: p.numberOfKeys, lua: p.source },
        );
      }
      const fn = methods[name] as LuaCommand;
      out[p.verb] = (...args) => fn.apply(redis, args);
    }
    return out as LuaCommands<S>;
  };
}
