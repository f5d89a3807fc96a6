import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { luaScripts } from '../src/lua';
import { testRedis } from '../../../test/support';

/** The one Lua loader, against a real Redis: fixed and variable (`-n`) key counts, idempotent per connection. */
describe('luaScripts (real Redis)', () => {
  let env: Awaited<ReturnType<typeof testRedis>>;
  let dir: string;
  beforeAll(async () => {
    env = await testRedis();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lua-'));
    // Writes ARGV[1] to KEYS[1] and returns the key count it saw.
    fs.writeFileSync(path.join(dir, 'put-value-1.lua'), 'redis.call("SET", KEYS[1], ARGV[1]); return #KEYS');
    // Sums the lengths of every key it is given (how many keys varies per call).
    fs.writeFileSync(
      path.join(dir, 'sum-len-n.lua'),
      'local n = 0; for _, k in ipairs(KEYS) do n = n + redis.call("STRLEN", k) end; return {#KEYS, n}',
    );
  });
  afterAll(async () => {
    await env.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers typed commands by camel-cased verb, with fixed and variable key counts', async () => {
    const cmds = luaScripts('luatest', dir, ['put-value-1', 'sum-len-n'] as const)(env.redis);
    const a = `${env.prefix}:a`;
    const b = `${env.prefix}:b`;
    expect(await cmds.putValue(a, 'abc')).toBe(1);
    expect(await cmds.putValue(b, 'hello')).toBe(1);
    expect(await env.redis.get(a)).toBe('abc');
    expect(await cmds.sumLen(2, a, b)).toEqual([2, 8]);
    expect(await cmds.sumLen(1, b)).toEqual([1, 5]);
  });

  it('is idempotent on one connection (a second load reuses the defined command)', async () => {
    const load = luaScripts('luatest', dir, ['put-value-1'] as const);
    const first = load(env.redis);
    const second = load(env.redis);
    // No SCRIPT FLUSH here: the Redis is shared with other test runs.
    const k = `${env.prefix}:c`;
    expect(await second.putValue(k, 'x')).toBe(1);
    expect(await first.putValue(k, 'yz')).toBe(1);
    expect(await env.redis.get(k)).toBe('yz');
  });

  it('rejects a file name without a key count, naming it', () => {
    expect(() => luaScripts('luatest', dir, ['no-count'] as const)).toThrow(/no-count: expected <verb>-<numKeys>/);
  });
});
