import { judgeProbe } from '../src/core/probe-check';

describe('judgeProbe (clips from outside sources)', () => {
  const ok = {
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '5.000000', size: '9000' },
    streams: [{ codec_type: 'video' }],
  };
  it('accepts a container with a video stream and a duration', () => {
    expect(judgeProbe(ok, 9000)).toEqual({ ok: true, durationMs: 5000, boxes: [] });
  });
  it('rejects empty, no container, no video, zero or unknown duration', () => {
    expect(judgeProbe(ok, 0)).toMatchObject({ ok: false, code: 'empty' });
    expect(judgeProbe({ streams: [] }, 10)).toMatchObject({ ok: false, code: 'corrupt' });
    expect(judgeProbe({ ...ok, streams: [{ codec_type: 'audio' }] }, 10)).toMatchObject({
      ok: false,
      code: 'no-video',
    });
    expect(judgeProbe({ ...ok, format: { format_name: 'mp4', duration: 'N/A' } }, 10)).toMatchObject({
      ok: false,
      code: 'zero-duration',
    });
    expect(judgeProbe({ ...ok, format: { format_name: 'mp4', duration: 0 } }, 10)).toMatchObject({
      ok: false,
      code: 'zero-duration',
    });
  });
});
