import {
  continuousTimes,
  listedTimes,
  parseSegmentLine,
  segmentWallStartMs,
  splitSegmentChunk,
} from '../src/core/segment-list';

describe('segment list CSV', () => {
  it('parses ffmpeg lines', () => {
    expect(parseSegmentLine('seg-1764362400.mp4,0.000000,5.600000')).toEqual({
      file: 'seg-1764362400.mp4',
      start: 0,
      end: 5.6,
    });
    expect(parseSegmentLine('"we,ird ""name"".mp4",5.6,10.6')).toEqual({
      file: 'we,ird "name".mp4',
      start: 5.6,
      end: 10.6,
    });
  });

  it.each(['', 'seg.mp4,1', 'seg.mp4,abc,2', 'seg.mp4,5,4', ',1,2'])('refuses %p', (line) => {
    expect(parseSegmentLine(line)).toBeUndefined();
  });

  it('keeps a partial last line for the next chunk', () => {
    const a = splitSegmentChunk('', 'seg-1.mp4,0,5\nseg-2.mp4,5,1');
    expect(a.entries.map((e) => e.file)).toEqual(['seg-1.mp4']);
    expect(a.rest).toBe('seg-2.mp4,5,1');
    const b = splitSegmentChunk(a.rest, '0\n');
    expect(b.entries).toEqual([{ file: 'seg-2.mp4', start: 5, end: 10 }]);
    expect(b.rest).toBe('');
  });

  it('reports bad lines instead of dropping them silently', () => {
    expect(splitSegmentChunk('', 'garbage\nseg-1.mp4,0,5\n')).toMatchObject({
      bad: ['garbage'],
      entries: [{ file: 'seg-1.mp4' }],
    });
  });

  it("dates each segment from the stream's own timing: the list's mtime is when its last line closed (issue #26.5)", () => {
    const entries = [
      { file: 'seg-000000.mp4', start: 0, end: 5.6 },
      { file: 'seg-000001.mp4', start: 5.6, end: 10.6 },
      { file: 'seg-000002.mp4', start: 10.6, end: 10.84 },
    ];
    const mtime = Date.parse('2026-12-06T20:00:10.840Z');
    const at = listedTimes(entries, mtime);
    expect(at.map((t) => new Date(t).toISOString())).toEqual([
      '2026-12-06T20:00:05.600Z',
      '2026-12-06T20:00:10.600Z',
      '2026-12-06T20:00:10.840Z',
    ]);
    const starts = entries.map((e, i) => new Date(segmentWallStartMs({ ...e, listedAt: at[i]! })).toISOString());
    // back to back, and the run's first packet 10.84 s before the last line was written
    expect(starts).toEqual(['2026-12-06T20:00:00.000Z', '2026-12-06T20:00:05.600Z', '2026-12-06T20:00:10.600Z']);
  });
});

describe('continuousTimes: a dying run’s last line', () => {
  const seg = (file: string, start: number, end: number) => ({ file, start, end });

  it('dates a line listed on time by the list’s mtime', () => {
    const prev = { end: 10, listedAt: 1_000_000 };
    // 5 s of stream later, listed 0.3 s late (jitter): the mtime stands
    expect(continuousTimes([seg('b', 10, 15)], 1_005_300, prev)).toEqual([1_005_300]);
  });

  it('dates a line listed when ffmpeg exited after the RTSP timeout by the stream’s clock', () => {
    const prev = { end: 10, listedAt: 1_000_000 };
    // 3 s of media, then the camera died: ffmpeg wrote the line 3 × 2 s timeouts later, at exit
    expect(continuousTimes([seg('b', 10, 13)], 1_009_000, prev)).toEqual([1_003_000]);
  });

  it('never accumulates a slow camera clock: each line is judged against the previous mtime', () => {
    // a camera delivering 5 s of stream every 6 s of wall time, read one line at a time
    let prev: { end: number; listedAt: number } | undefined;
    const got: number[] = [];
    for (let i = 0; i < 10; i++) {
      const mtime = 1_000_000 + (i + 1) * 6000;
      got.push(...continuousTimes([seg(`s${i}`, i * 5, (i + 1) * 5)], mtime, prev));
      prev = { end: (i + 1) * 5, listedAt: mtime };
    }
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => 1_000_000 + (i + 1) * 6000));
  });

  it('keeps the first line of a run as listed (nothing to continue from)', () => {
    expect(continuousTimes([seg('a', 0, 5)], 1_000_000, undefined)).toEqual([1_000_000]);
  });
});
