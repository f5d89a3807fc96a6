import * as jpeg from 'jpeg-js';
import { buildDecodeArgs, decodeJpeg, jpegSize, parsePpmStream } from '../src/adapters/decode';

describe('decoding helpers', () => {
  it('reads a JPEG size from its SOF marker without decoding, and decodes to RGB', () => {
    const rgba = new Uint8Array(40 * 24 * 4).fill(200);
    const buf = jpeg.encode({ data: rgba, width: 40, height: 24 }, 80).data;
    expect(jpegSize(buf)).toEqual({ width: 40, height: 24 });
    const f = decodeJpeg(buf);
    expect([f.width, f.height, f.channels, f.data.length]).toEqual([40, 24, 3, 40 * 24 * 3]);
    expect(() => jpegSize(Buffer.from('not a jpeg at all'))).toThrow(/SOF/);
  });

  it('splits a PPM stream into frames', () => {
    const frame = (w: number, h: number, v: number) =>
      Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`), Buffer.alloc(w * h * 3, v)]);
    const frames = parsePpmStream(Buffer.concat([frame(4, 2, 7), frame(4, 2, 9)]));
    expect(frames.map((f) => [f.width, f.height, f.data[0]])).toEqual([
      [4, 2, 7],
      [4, 2, 9],
    ]);
    expect(() => parsePpmStream(Buffer.from('P5\n1 1\n255\n\0'))).toThrow(/PPM/);
  });

  it('samples at 2 fps with the long side at 448, like vLLM + the Qwen processor', () => {
    const args = buildDecodeArgs('/clips/a.mp4', 2, 448);
    expect(args).toEqual(expect.arrayContaining(['-i', '/clips/a.mp4', '-c:v', 'ppm', 'pipe:1']));
    expect(args[args.indexOf('-vf') + 1]).toBe(
      'fps=2,scale=w=448:h=448:force_original_aspect_ratio=decrease:force_divisible_by=2',
    );
  });
});
