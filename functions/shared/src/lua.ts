import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';

/**
 * The one loader for every Lua script in the project, and its one naming rule:
 * - a script lives in a `lua/` folder beside the module that uses it, named `<verb>-<numKeys>.lua`
 *   (after bullmq); `-n` (`reconcile-claimed-n.lua`) means the number of keys varies;
 * - it is registered with ioredis `defineCommand` (EVALSHA with a NOSCRIPT fallback, so a Redis
 *   restart is harmless) as `sh_<owner>_<verb>`, the owner being the part that owns its keys
 *   (`queue`, `capture`, `inference`, `alerts`, `notify`);
 * - every script is declared with {@link lua}: its KEYS and ARGV by name, in order, and how its
 *   reply is read. Callers then pass named fields and get a typed reply: no positional lists, no casts.
 * Every key a script touches is in KEYS (Redis: "all the keys accessed by the script must be
 * explicitly passed as input key arguments", https://redis.io/docs/latest/develop/interactive/programmability/eval-intro/).
 */
export type LuaArg = string | number | Buffer;

/** A loaded script: named keys and arguments in, its typed reply out. */
type CallOf<K extends string, A extends string, R, RK extends string, RA extends string> = (
  keys: Record<K, string> & Record<RK, readonly string[]>,
  args: Record<A, LuaArg> & Record<RA, readonly LuaArg[]>,
) => Promise<R>;

/** One script's declared shape. `restKeys`/`restArgs` name a list appended after the fixed ones. */
export interface LuaSpec<K extends string, A extends string, R, RK extends string = never, RA extends string = never> {
  readonly keys: readonly K[];
  readonly args: readonly A[];
  readonly restKeys?: RK;
  readonly restArgs?: RA;
  /** Reads the raw reply; throw when it is not the expected shape. */
  readonly reply: (raw: unknown) => R;
  /** Type only (never set): the loaded command's signature, so inference does not have to recover `never`. */
  readonly call?: CallOf<K, A, R, RK, RA>;
}

/** Declares a script (type inference for {@link luaScripts}). */
export function lua<
  const K extends string,
  const A extends string,
  R,
  const RK extends string = never,
  const RA extends string = never,
>(spec: LuaSpec<K, A, R, RK, RA>): LuaSpec<K, A, R, RK, RA> {
  return spec;
}

/** A loaded script: named keys and arguments in, its typed reply out. */
export type LuaCall<S> = S extends { readonly call?: infer C } ? NonNullable<C> : never;

/** `'count-attempt-5'` → `countAttempt`, `'reconcile-claimed-n'` → `reconcileClaimed`. */
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

/** Any declared script, as the loader reads it at run time. */
type AnySpec = LuaSpec<string, string, unknown, string, string>;
export type LuaScripts<Specs extends Record<string, object>> = {
  [F in keyof Specs & string as VerbOf<F>]: LuaCall<Specs[F]>;
};

type RawCommand = (...args: LuaArg[]) => Promise<unknown>;

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const maxIndex = (source: string, table: 'KEYS' | 'ARGV') =>
  Math.max(0, ...[...source.matchAll(new RegExp(`${table}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1])));

/** Command name → source, over the process: two modules may never define one name differently. */
const defined = new Map<string, string>();

interface Parsed {
  file: string;
  command: string;
  verb: string;
  spec: AnySpec;
  /** undefined: variable (`-n`), passed as the first argument. */
  numberOfKeys: number | undefined;
  source: string;
}

function parseScript(owner: string, dir: string, file: string, spec: AnySpec): Parsed {
  const m = /^(.*)-(\d+|n)$/.exec(file);
  if (!m?.[1] || !m[2]) throw new Error(`Lua script name ${file}: expected <verb>-<numKeys> or <verb>-n`);
  const numberOfKeys = m[2] === 'n' ? undefined : Number(m[2]);
  const source = fs.readFileSync(path.join(dir, `${file}.lua`), 'utf8');
  const problem =
    numberOfKeys === undefined
      ? spec.restKeys === undefined && `${file}: a -n script declares restKeys`
      : (spec.keys.length !== numberOfKeys || spec.restKeys !== undefined) &&
        `${file}: declares ${spec.keys.length} keys, its name says ${numberOfKeys}`;
  if (problem) throw new Error(`Lua script ${problem}`);
  if (numberOfKeys !== undefined && maxIndex(source, 'KEYS') > numberOfKeys)
    throw new Error(`Lua script ${file}: reads KEYS[${maxIndex(source, 'KEYS')}], its name says ${numberOfKeys}`);
  if (spec.restArgs === undefined && maxIndex(source, 'ARGV') > spec.args.length)
    throw new Error(`Lua script ${file}: reads ARGV[${maxIndex(source, 'ARGV')}], declares ${spec.args.length}`);
  const verb = camel(m[1]);
  const command = `sh_${owner}_${verb}`;
  const before = defined.get(command);
  if (before !== undefined && before !== source) throw new Error(`Lua command ${command} is defined twice`);
  defined.set(command, source);
  return { file, command, verb, spec, numberOfKeys, source };
}

/** The positional KEYS + ARGV list the script reads, from the named fields, in the declared order. */
function positional(p: Parsed, keys: Record<string, unknown>, args: Record<string, unknown>): LuaArg[] {
  const { spec } = p;
  const fixedKeys = spec.keys.map((k) => keys[k] as string);
  const rest = spec.restKeys === undefined ? [] : (keys[spec.restKeys] as readonly string[]);
  const fixedArgs = spec.args.map((a) => args[a] as LuaArg);
  const restArgs = spec.restArgs === undefined ? [] : (args[spec.restArgs] as readonly LuaArg[]);
  const count = p.numberOfKeys === undefined ? [fixedKeys.length + rest.length] : [];
  return [...count, ...fixedKeys, ...rest, ...fixedArgs, ...restArgs];
}

/**
 * Reads the scripts once (at module load of the caller) and returns a function that registers
 * them on a connection (idempotent) and gives them back typed.
 * @param owner the part that owns the scripts' keys (lower-case letters): commands are `sh_<owner>_<verb>`
 */
export function luaScripts<const Specs extends Record<string, object>>(
  owner: string,
  dir: string,
  specs: Specs,
): (redis: Redis) => LuaScripts<Specs> {
  if (!/^[a-z]+$/.test(owner)) throw new Error(`Lua owner ${owner}: expected lower-case letters (a part's name)`);
  // `object`, not LuaSpec, in the signature: a LuaSpec there would be the contextual type of each
  // lua(...) call and leak into its inference (an absent restKeys would become `string`)
  const parsed = Object.entries(specs).map(([file, spec]) => parseScript(owner, dir, file, spec as AnySpec));
  return (redis) => {
    // ioredis adds defined commands as methods on the connection; reach them by name.
    const methods = redis as unknown as Record<string, RawCommand | undefined>;
    const out: Record<string, unknown> = {};
    for (const p of parsed) {
      if (typeof methods[p.command] !== 'function') {
        redis.defineCommand(
          p.command,
          p.numberOfKeys === undefined ? { lua: p.source } : { numberOfKeys: p.numberOfKeys, lua: p.source },
        );
      }
      const fn = methods[p.command] as RawCommand;
      out[p.verb] = async (keys: Record<string, unknown>, args: Record<string, unknown>) =>
        p.spec.reply(await fn.apply(redis, positional(p, keys, args)));
    }
    return out as LuaScripts<Specs>;
  };
}

/** Reply readers for {@link LuaSpec.reply}. */
export const luaReply = {
  number: (raw: unknown): number => {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`Lua reply: expected a number, got ${String(raw)}`);
    return n;
  },
  /** An array reply (a Lua table), its items as Redis gave them. */
  array: (raw: unknown): unknown[] => {
    if (!Array.isArray(raw)) throw new Error(`Lua reply: expected an array, got ${typeof raw}`);
    return raw as unknown[];
  },
  strings: (raw: unknown): string[] => luaReply.array(raw).map(String),
  string: (raw: unknown): string => String(raw),
};
