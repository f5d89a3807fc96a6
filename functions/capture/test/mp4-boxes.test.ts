import fs from 'node:fs';
import path from 'node:path';
import { bufferSource, checkMp4 } from '../src/core/mp4-boxes';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name));
const check = (buf: Buffer) => checkMp4(bufferSource(buf));

describe('checkMp4 (in-process validation of recorder clips)', () => {
  it('accepts a real ffmpeg clip and reads its duration from mvhd', async () => {
    const r = await check(fixture('tiny.mp4'));
    expect(r).toMatchObject({ ok: true, boxes: expect.arrayContaining(['ftyp', 'moov', 'mdat']) });
    if (r.ok) expect(r.durationMs).toBeGreaterThanOrEqual(900);
    if (r.ok) expect(r.durationMs).toBeLessThanOrEqual(1100);
  });

  it('accepts moov-first (faststart) layout', async () => {
    expect((await check(fixture('tiny-faststart.mp4'))).ok).toBe(true);
  });

  it('rejects an empty file', async () => {
    expect(await check(Buffer.alloc(0))).toMatchObject({ ok: false, code: 'empty' });
  });

  it.each([0.3, 0.5, 0.9, 0.999])('rejects a clip truncated to %p of its size', async (fraction) => {
    const buf = fixture('tiny.mp4');
    const r = await check(buf.subarray(0, Math.floor(buf.length * fraction)));
    expect(r).toMatchObject({ ok: false, code: 'truncated' });
  });

  it('rejects the 48-byte file of a segment ffmpeg is still writing (no moov)', async () => {
    const buf = fixture('tiny.mp4');
    // ftyp + an mdat header "to the end of file", as ffmpeg writes before the first packet
    const ftypSize = buf.readUInt32BE(0);
    const partial = Buffer.concat([
      buf.subarray(0, ftypSize),
      Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]),
      Buffer.from([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74]),
    ]);
    expect(await check(partial)).toMatchObject({ ok: false });
  });

  it('rejects garbage bytes', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect(await check(garbage)).toMatchObject({ ok: false, code: expect.stringMatching(/corrupt|truncated/) });
  });

  it('rejects a file that does not start with ftyp', async () => {
    const buf = Buffer.concat([Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]), fixture('tiny.mp4')]);
    expect(await check(buf)).toMatchObject({ ok: false, code: 'corrupt' });
  });

  it('rejects trailing bytes that do not form a box', async () => {
    const buf = Buffer.concat([fixture('tiny.mp4'), Buffer.from([1, 2, 3])]);
    expect(await check(buf)).toMatchObject({ ok: false, code: 'truncated' });
  });

  it('rejects a box with an impossible size', async () => {
    const buf = Buffer.from(fixture('tiny.mp4'));
    buf.writeUInt32BE(4, 0); // ftyp claims 4 bytes, less than its own header
    expect(await check(buf)).toMatchObject({ ok: false, code: 'corrupt' });
  });

  it('rejects an MP4 without a video track', async () => {
    expect(await check(fixture('audio-only.mp4'))).toMatchObject({ ok: false, code: 'no-video' });
  });

  it('rejects a clip whose mdat is missing', async () => {
    const buf = fixture('tiny-faststart.mp4');
    // faststart: ftyp, moov, (free), mdat last → cut exactly before mdat
    let offset = 0;
    let mdatAt = -1;
    while (offset < buf.length) {
      if (buf.toString('latin1', offset + 4, offset + 8) === 'mdat') mdatAt = offset;
      offset += buf.readUInt32BE(offset);
    }
    expect(mdatAt).toBeGreaterThan(0);
    expect(await check(buf.subarray(0, mdatAt))).toMatchObject({ ok: false, code: 'empty' });
  });
});
