import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mp4VideoInfo } from '../src/mp4-info';

/** The MP4 header reader on a committed model clip (a few-shot example made by make-fewshot.ts). */
const clip = readFileSync(path.join(__dirname, '..', '..', 'inference', 'fewshot', '01-safe', 'clip.mp4'));

test('a model clip: exact frame count, CFR 2 fps, 448 px long side, moov first, not fragmented', () => {
  expect(mp4VideoInfo(clip)).toEqual({
    frames: 10,
    width: 448,
    height: 252,
    duration: 5,
    fps: 2,
    faststart: true,
    fragmented: false,
  });
});

test('the header alone is enough (media data cut off), and no header is an error', () => {
  expect(mp4VideoInfo(clip.subarray(0, Math.floor(clip.length / 2))).frames).toBe(10);
  expect(() => mp4VideoInfo(clip.subarray(0, 64))).toThrow(/no video track/);
  expect(() => mp4VideoInfo(Buffer.from('#EXTM3U\n#EXTINF:3.0,\nfile:///etc/passwd\n'))).toThrow(/no video track/);
});
