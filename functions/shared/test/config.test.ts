import { allEnvVars, parseConfig } from '../src/config';
import { ConfigError } from '../src/errors';

describe('parseConfig', () => {
  test('defaults match docs/architecture.md §3.2', () => {
    const c = parseConfig({});
    expect(c.common.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.common.redisPrefix).toBe('safety');
    expect(c.common.segmentSeconds).toBe(5);
    expect(c.common.rtspUrlTemplate).toBe('rtsp://127.0.0.1:8554/cam{N}');
    expect(c.common.numStreams).toBe(10);
    expect(c.common.cameraIndex).toBeUndefined();
    expect(c.common.vllmModel).toBe('Qwen/Qwen3-VL-8B-Instruct');
    expect(c.common.kSink).toBeUndefined();
  });

  test('parses given values; empty strings count as unset', () => {
    const c = parseConfig({ NUM_STREAMS: ' 4 ', CAMERA_INDEX: '0', K_SINK: 'http://broker/', QUEUE_MAX_LENGTH: '' });
    expect(c.common.numStreams).toBe(4);
    expect(c.common.cameraIndex).toBe(0);
    expect(c.common.kSink).toBe('http://broker/');
    expect(c.queue.maxLength).toBeUndefined();
  });

  test.each([
    ['REDIS_URL', 'http://localhost:6379', /REDIS_URL=.*expected a redis:\/\/ or rediss:\/\/ URL/],
    ['NUM_STREAMS', 'ten', /NUM_STREAMS=.*expected an integer 1–1000/],
    ['NUM_STREAMS', '0', /NUM_STREAMS/],
    ['SEGMENT_SECONDS', '2.5', /SEGMENT_SECONDS/],
    ['RTSP_URL_TEMPLATE', 'rtsp://cam/1', /RTSP_URL_TEMPLATE=.*\{N\}/],
    ['CAMERA_INDEX', '-1', /CAMERA_INDEX/],
    ['VLLM_BASE_URL', 'localhost:8000', /VLLM_BASE_URL/],
    ['K_SINK', 'ftp://x', /K_SINK/],
    ['PORT', '70000', /PORT/],
    ['REDIS_PREFIX', 'a b', /REDIS_PREFIX/],
  ])('a bad %s stops start-up with a message naming it', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(message);
  });

  test('reports every bad variable at once', () => {
    try {
      parseConfig({ NUM_STREAMS: 'x', PORT: 'y' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.split('=')[0])).toEqual(
        expect.arrayContaining(['NUM_STREAMS', 'PORT']),
      );
    }
  });

  test('every variable is declared once, with an UPPER_SNAKE name and a doc', () => {
    const names = allEnvVars().map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const v of allEnvVars()) {
      expect(v.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(v.doc.length).toBeGreaterThan(5);
    }
  });

  test('every default parses (a default that fails its own schema is a bug)', () => {
    expect(() => parseConfig({})).not.toThrow();
  });
});
