import { cameraFolderProblem, clipIdFrom } from '../src/clip-identity';
import { jsonDepthProblem } from '../src/http/body-limits';

describe('#18.1 clip identity (pure parts)', () => {
  test.each([
    ['cam1', 'cam1/20261128T204000Z.mp4', undefined],
    ['cam1', './cam1/sub/x.mp4', undefined],
    ['cam2', 'cam1/20261128T204000Z.mp4', /does not match the clip's folder "cam1"/],
    ['cam1', 'x.mp4', /<cameraId>\/<file>/],
    ['cam1', 'cam10/x.mp4', /does not match/],
  ])('cameraFolderProblem(%p, %p)', (cam, rel, problem) => {
    const got = cameraFolderProblem(cam, rel);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });

  test('the id names the folder, the file and the fingerprint, within the schema limits', () => {
    expect(clipIdFrom('cam3/20261128T204000Z.mp4', '1a2b3c4d5e6f')).toBe('cam3-20261128T204000Z-1a2b3c4d5e6f');
    expect(clipIdFrom('ext/nvr/export 1.MP4', 'aaaaaaaaaaaa')).toBe('ext-nvr_export_1-aaaaaaaaaaaa');
    expect(clipIdFrom(`cam1/${'x'.repeat(2000)}.mp4`, 'bbbbbbbbbbbb').length).toBeLessThanOrEqual(256);
  });
});

describe('#18.8 JSON depth scan', () => {
  test('counts nesting outside strings only', () => {
    expect(jsonDepthProblem('{"a":[1,{"b":2}]}', 3)).toBeUndefined();
    expect(jsonDepthProblem('{"a":[1,{"b":[2]}]}', 3)).toMatch(/deeper than 3/);
    expect(jsonDepthProblem(`{"s":"${'['.repeat(500)}\\"${'{'.repeat(500)}"}`, 2)).toBeUndefined();
    expect(jsonDepthProblem('['.repeat(65))).toMatch(/deeper than 64/);
  });
});
