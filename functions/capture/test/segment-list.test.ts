import { listedTimes, parseSegmentLine, segmentWallStartMs, splitSegmentChunk } from '../src/core/segment-list';

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
