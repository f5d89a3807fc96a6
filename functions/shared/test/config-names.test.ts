import { z } from 'zod';
import { allEnvVars, parseConfig, sections } from '../src/config';
import { envVar, int, readVar } from '../src/config/define';
import { configTableMarkdown } from '../src/config/doc';
import { ConfigError } from '../src/errors';

// docs/architecture.md §3.2 "Names": one boolean spelling, one name rule, old names read for one release.

describe('booleans are spelled true|false; the old spellings still parse, with one warning', () => {
  test('true/false parse without a warning, and the defaults give none', () => {
    expect(parseConfig({}).warnings).toEqual([]);
    const c = parseConfig({ MODEL_CLIP: 'false', INFERENCE_PULL: 'true' });
    expect(c.capture.modelClip).toBe(false);
    expect(c.inference.pullLoop).toBe(true);
    expect(c.warnings).toEqual([]);
  });

  test.each([
    ['on', true, 'true'],
    ['yes', true, 'true'],
    ['1', true, 'true'],
    ['off', false, 'false'],
    ['no', false, 'false'],
    ['0', false, 'false'],
  ])('%s → %s, with a warning naming the variable and the spelling %s', (raw, value, spelling) => {
    const c = parseConfig({ VLLM_SIM_ANALYSIS: raw });
    expect(c.vllmSim.analysis).toBe(value);
    expect(c.warnings).toEqual([expect.stringContaining(`VLLM_SIM_ANALYSIS=${raw} is a deprecated spelling`)]);
    expect(c.warnings[0]).toContain(`write VLLM_SIM_ANALYSIS=${spelling}`);
  });

  test('one warning per variable spelled the old way', () => {
    const c = parseConfig({ MODEL_CLIP: 'off', UNCHANGED_GATE: 'on', FEWSHOT_BY_REFERENCE: 'true' });
    expect(c.warnings).toHaveLength(2);
    expect(c.warnings.join('\n')).toMatch(/MODEL_CLIP=off .*MODEL_CLIP=false/);
    expect(c.warnings.join('\n')).toMatch(/UNCHANGED_GATE=on .*UNCHANGED_GATE=true/);
  });

  test('anything else stops start-up naming the variable and true|false', () => {
    expect(() => parseConfig({ MODEL_CLIP: 'maybe' })).toThrow(ConfigError);
    expect(() => parseConfig({ MODEL_CLIP: 'maybe' })).toThrow(/MODEL_CLIP="maybe" is invalid: expected true\|false/);
  });

  test('every variable that takes true and false uses the shared boolean (no on|off left)', () => {
    for (const v of allEnvVars()) {
      const t = v.schema.safeParse('true');
      // an enum of on/off (not a free-form string, which takes any word)
      const onOff =
        v.schema.safeParse('on').success &&
        v.schema.safeParse('off').success &&
        !v.schema.safeParse('not-a-switch').success;
      if ((t.success && typeof t.data === 'boolean') || onOff) {
        expect({ name: v.name, expected: v.expected, respell: typeof v.respell }).toEqual({
          name: v.name,
          expected: 'true|false',
          respell: 'function',
        });
        expect(v.default === undefined || v.default === 'true' || v.default === 'false').toBe(true);
      }
    }
  });
});

describe('renamed variables: the old name is read for one release', () => {
  test('old name only: its value is used, with a warning to rename it', () => {
    const c = parseConfig({ ALERTS_FFMPEG: '/opt/ffmpeg/bin/ffmpeg' });
    expect(c.tools.ffmpegPath).toBe('/opt/ffmpeg/bin/ffmpeg');
    expect(c.warnings).toEqual([
      'ALERTS_FFMPEG is deprecated: rename it to FFMPEG_PATH (the old name is read for one more release)',
    ]);
  });

  test('both set: the new name wins, with a warning that the old one is ignored', () => {
    const c = parseConfig({ CHROMIUM_PATH: '/usr/bin/chromium', RECORD_CHROMIUM: '/old/chromium' });
    expect(c.tools.chromiumPath).toBe('/usr/bin/chromium');
    expect(c.warnings).toEqual([
      'RECORD_CHROMIUM is deprecated and ignored: CHROMIUM_PATH is set too and wins; remove RECORD_CHROMIUM',
    ]);
  });

  test('an empty old name counts as unset, like any variable', () => {
    const c = parseConfig({ STACK_REDIS_SERVER: '  ' });
    expect(c.tools.redisServerPath).toBe('redis-server');
    expect(c.warnings).toEqual([]);
  });

  test.each(allEnvVars().flatMap((v) => v.deprecatedNames.map((old) => [old, v] as const)))(
    '%s still sets its new variable, with a warning to rename it',
    (old, v) => {
      // a value that parses and differs from the default, so the assertion shows the old name was read
      const value = ['/opt/tool', '7', '11', '1'].find(
        (x) =>
          v.schema.safeParse(x).success &&
          JSON.stringify(v.schema.parse(x)) !== JSON.stringify(v.schema.parse(v.default)),
      )!;
      const c = parseConfig({ [old]: value });
      const section = Object.entries(sections).find(([, s]) => Object.values(s).includes(v));
      const key = Object.entries(section![1]).find(([, spec]) => spec === v)![0];
      expect((c as unknown as Record<string, Record<string, unknown>>)[section![0]]![key]).toEqual(
        v.schema.parse(value),
      );
      expect(c.warnings).toEqual([expect.stringContaining(`${old} is deprecated: rename it to ${v.name}`)]);
    },
  );

  test('new names only: no warning', () => {
    const c = parseConfig({ REDIS_SERVER_PATH: '/usr/local/bin/redis-server', FFMPEG_PATH: 'ffmpeg7' });
    expect(c.tools.redisServerPath).toBe('/usr/local/bin/redis-server');
    expect(c.tools.ffmpegPath).toBe('ffmpeg7');
    expect(c.warnings).toEqual([]);
  });

  describe('readVar (one declaration with two former names)', () => {
    const spec = envVar('NEW_LIMIT', {
      schema: int(1, 10),
      default: '5',
      expected: 'an integer 1–10',
      doc: 'test',
      deprecatedNames: ['OLD_LIMIT', 'OLDER_LIMIT'],
    });

    test('unset everywhere: no value, no warning (the default applies)', () => {
      expect(readVar(spec, {})).toEqual({ name: 'NEW_LIMIT', raw: undefined, warnings: [] });
    });

    test('the first former name set is read, a later one is ignored with a warning', () => {
      const r = readVar(spec, { OLD_LIMIT: '3', OLDER_LIMIT: '4' });
      expect(r.name).toBe('OLD_LIMIT');
      expect(r.raw).toBe('3');
      expect(r.warnings).toEqual([
        'OLD_LIMIT is deprecated: rename it to NEW_LIMIT (the old name is read for one more release)',
        'OLDER_LIMIT is deprecated and ignored: OLD_LIMIT is set too; rename it to NEW_LIMIT',
      ]);
    });

    test('a bad value under an old name is reported under the name that was set', () => {
      const r = readVar(spec, { OLDER_LIMIT: '99' });
      expect(r.name).toBe('OLDER_LIMIT');
      expect(spec.schema.safeParse(r.raw).success).toBe(false);
    });

    test('no value appears in a rename warning (it may be a secret)', () => {
      const secretSpec = envVar('NEW_TOKEN', {
        schema: z.string(),
        expected: 'x',
        doc: 'x',
        deprecatedNames: ['OLD_TOKEN'],
      });
      const r = readVar(secretSpec, { OLD_TOKEN: 's3cr3t-value', NEW_TOKEN: 'other-s3cr3t' });
      expect(r.warnings.join(' ')).not.toMatch(/s3cr3t/);
    });
  });
});

describe('the name rule (docs/architecture.md §3.2)', () => {
  test('former names are UPPER_SNAKE and never the name of a current variable', () => {
    const current = new Set(allEnvVars().map((v) => v.name));
    const former = allEnvVars().flatMap((v) => v.deprecatedNames);
    expect(new Set(former).size).toBe(former.length);
    for (const n of former) {
      expect(n).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(current.has(n)).toBe(false);
    }
  });

  test('a program to run is `<TOOL>_PATH`, declared once in the tools section', () => {
    const executables = allEnvVars().filter((v) => v.expected === 'an executable name or path');
    expect(executables.map((v) => v.name).sort()).toEqual(
      Object.values(sections.tools)
        .map((v) => v.name)
        .sort(),
    );
    for (const v of executables) expect(v.name).toMatch(/^[A-Z][A-Z0-9_]*_PATH$/);
  });

  test('the README table shows each former name beside the new one', () => {
    expect(configTableMarkdown()).toMatch(
      /\| `FFMPEG_PATH` \|.*\(was `ALERTS_FFMPEG`, still read until the next release\)/,
    );
  });
});
