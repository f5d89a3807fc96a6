import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lua, luaReply, luaScripts } from '../src/lua';
import { testRedis } from '../../../test/support';

/**
 * The one Lua loader, against a real Redis: named keys and arguments, fixed and variable (`-n`)
 * key counts, idempotent per connection, and the declarations checked against the script.
 */
describe('luaScripts (real Redis)', () => {
  let env: Awaited<ReturnType<typeof testRedis>>;
  let dir: string;
  const putValue = lua({ keys: ['target'], args: ['value'], reply: luaReply.number });
  beforeAll(async () => {
    env = await testRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lua-'));
    // Writes ARGV[1] to KEYS[1] and returns the key count it saw.
    fs.writeFileSync(path.join(dir, 'put-value-1.lua'), 'redis.call("SET", KEYS[1], ARGV[1]); return #KEYS');
    // Sums the lengths of every key it is given (how many keys varies per call), plus ARGV[1].
    fs.writeFileSync(
      path.join(dir, 'sum-len-n.lua'),
      'local n = tonumber(ARGV[1]); for _, k in ipairs(KEYS) do n = n + redis.call("STRLEN", k) end; return {#KEYS, n}',
    );
    // Reads a key it was not given in KEYS' declared count.
    fs.writeFileSync(path.join(dir, 'sneaky-1.lua'), 'return redis.call("GET", KEYS[2])');
  });
  afterAll(async () => {
    await env.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers typed commands by camel-cased verb, with fixed and variable key counts', async () => {
    const cmds = luaScripts('luatest', dir, {
      'put-value-1': putValue,
      'sum-len-n': lua({
        keys: ['first'],
        restKeys: 'more',
        args: ['base'],
        reply: (raw) => luaReply.array(raw).map(Number),
      }),
    })(env.redis);
    const a = `${env.prefix}:a`;
    const b = `${env.prefix}:b`;
    expect(await cmds.putValue({ target: a }, { value: 'abc' })).toBe(1);
    expect(await cmds.putValue({ target: b }, { value: 'hello' })).toBe(1);
    expect(await env.redis.get(a)).toBe('abc');
    expect(await cmds.sumLen({ first: a, more: [b] }, { base: 100 })).toEqual([2, 108]);
    expect(await cmds.sumLen({ first: b, more: [] }, { base: 0 })).toEqual([1, 5]);
    expect(typeof (env.redis as unknown as Record<string, unknown>).sh_luatest_putValue).toBe('function');
  });

  it('is idempotent on one connection (a second load reuses the defined command)', async () => {
    const load = luaScripts('luatest', dir, { 'put-value-1': putValue });
    const first = load(env.redis);
    const second = load(env.redis);
    // No SCRIPT FLUSH here: the Redis is shared with other test runs.
    const k = `${env.prefix}:c`;
    expect(await second.putValue({ target: k }, { value: 'x' })).toBe(1);
    expect(await first.putValue({ target: k }, { value: 'yz' })).toBe(1);
    expect(await env.redis.get(k)).toBe('yz');
  });

  it('rejects a file name without a key count, naming it', () => {
    expect(() => luaScripts('luatest', dir, { 'no-count': putValue })).toThrow(/no-count: expected <verb>-<numKeys>/);
  });

  it('rejects a declaration that disagrees with the script: key count, KEYS read, ARGV read, owner', () => {
    const twoKeys = lua({ keys: ['a', 'b'], args: ['value'], reply: luaReply.number });
    expect(() => luaScripts('luatest', dir, { 'put-value-1': twoKeys })).toThrow(/declares 2 keys, its name says 1/);
    expect(() => luaScripts('luatest', dir, { 'sneaky-1': putValue })).toThrow(/reads KEYS\[2\], its name says 1/);
    const noArgs = lua({ keys: ['target'], args: [], reply: luaReply.number });
    expect(() => luaScripts('luatest', dir, { 'put-value-1': noArgs })).toThrow(/reads ARGV\[1\], declares 0/);
    expect(() => luaScripts('Bad_Owner', dir, { 'put-value-1': putValue })).toThrow(/Lua owner Bad_Owner/);
  });

  it('refuses one command name defined with two different sources', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'lua-'));
    try {
      fs.writeFileSync(path.join(other, 'put-value-1.lua'), 'return redis.call("SET", KEYS[1], ARGV[1])');
      expect(() => luaScripts('luatest', other, { 'put-value-1': putValue })).toThrow(
        /sh_luatest_putValue is defined twice/,
      );
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
