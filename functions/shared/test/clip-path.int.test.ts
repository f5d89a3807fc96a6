/** The path guard against a real file system (symlinks, FIFOs, directories). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { resolveClipPath } from '../src/clip-path';
import { PathRejectedError } from '../src/errors';

describe('resolveClipPath', () => {
  let root: string;
  let clips: string;
  let outside: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'clip-path-'));
    clips = path.join(root, 'clips');
    outside = path.join(root, 'secret.mp4');
    fs.mkdirSync(path.join(clips, 'cam1'), { recursive: true });
    fs.writeFileSync(path.join(clips, 'cam1', 'ok.mp4'), 'x');
    fs.writeFileSync(outside, 'secret');
    fs.symlinkSync(outside, path.join(clips, 'cam1', 'escape.mp4'));
    fs.symlinkSync(path.join(clips, 'cam1', 'ok.mp4'), path.join(clips, 'cam1', 'inside-link.mp4'));
    fs.symlinkSync(root, path.join(clips, 'cam1', 'dirlink'));
    fs.mkdirSync(path.join(clips, 'cam1', 'adir.mp4'));
    execFileSync('mkfifo', [path.join(clips, 'cam1', 'fifo.mp4')]);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const rejected: [string, string, RegExp][] = [
    ['absolute path', '/etc/passwd', /absolute/],
    ['absolute path inside CLIPS_DIR', '', /absolute/], // filled in below
    ['parent segment', '../secret.mp4', /\.\./],
    ['parent segment in the middle', 'cam1/../../secret.mp4', /\.\./],
    ['backslash parent segment', 'cam1\\..\\..\\secret.mp4', /\.\./],
    ['symlink escaping CLIPS_DIR', 'cam1/escape.mp4', /outside CLIPS_DIR/],
    ['file under a symlinked directory outside', 'cam1/dirlink/secret.mp4', /outside CLIPS_DIR/],
    ['directory', 'cam1/adir.mp4', /not a regular file/],
    ['FIFO', 'cam1/fifo.mp4', /not a regular file/],
    ['missing file', 'cam1/nope.mp4', /does not exist/],
    ['empty path', '', /empty/],
    ['NUL byte', 'cam1/ok.mp4\0.txt', /NUL/],
  ];

  test.each(rejected.filter(([name]) => name !== 'absolute path inside CLIPS_DIR'))(
    'rejects %s',
    async (_name, rel, reason) => {
      const attempt = resolveClipPath(clips, rel);
      await expect(attempt).rejects.toBeInstanceOf(PathRejectedError);
      await expect(resolveClipPath(clips, rel)).rejects.toThrow(reason);
    },
  );

  test('rejects an absolute path even when it points inside CLIPS_DIR', async () => {
    await expect(resolveClipPath(clips, path.join(clips, 'cam1', 'ok.mp4'))).rejects.toThrow(/absolute/);
  });

  test.each([
    ['a regular file', 'cam1/ok.mp4', 'cam1/ok.mp4'],
    ['a symlink that stays inside', 'cam1/inside-link.mp4', 'cam1/ok.mp4'],
    ['a redundant ./ segment', './cam1/ok.mp4', 'cam1/ok.mp4'],
  ])('accepts %s', async (_name, rel, target) => {
    expect(await resolveClipPath(clips, rel)).toBe(fs.realpathSync(path.join(clips, target)));
  });
});
