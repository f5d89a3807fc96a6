import { freshQueries, parseConcurrencies } from '../lib/sizing-sweep';
import type { LoadKit } from '../lib/load';

describe('sizing sweep helpers', () => {
  it('BENCH_CONCURRENCIES parses to integers; unset is no sweep; junk is refused', () => {
    expect(parseConcurrencies('8, 16,32')).toEqual([8, 16, 32]);
    expect(parseConcurrencies(undefined)).toBeUndefined();
    expect(() => parseConcurrencies('8,x')).toThrow(/BENCH_CONCURRENCIES/);
  });

  it('every request of a sweep carries query media of its own (a repeated library clip must not hit the cache)', () => {
    const kit = {
      media: [],
      jobs: [],
      fewShotCount: 0,
      body: () => ({
        messages: [
          { role: 'system', content: 's' },
          {
            role: 'user',
            content: [
              { type: 'video_url', video_url: { url: 'data:video/mp4;base64,AA' }, uuid: 'sha256:ab' },
              { type: 'text', text: 'Camera: cam1' },
            ],
          },
        ],
      }),
    } as unknown as LoadKit;
    const fresh = freshQueries(kit, 'run1');
    const uuidOf = (i: number) =>
      ((fresh.body('stable', i).messages as { content: unknown }[]).at(-1)!.content as { uuid?: string }[])[0]!.uuid;
    expect(uuidOf(0)).toBe('sha256:ab-run1-0');
    expect(uuidOf(1)).not.toBe(uuidOf(0));
    expect((fresh.body('stable', 0).messages as unknown[])[0]).toEqual({ role: 'system', content: 's' });
  });
});
