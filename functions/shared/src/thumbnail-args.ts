/**
 * ffmpeg argv for one JPEG of a clip's first frame, written to stdout: the dashboard's thumbnails
 * (alerts) and the mail's inline picture (notify) use the same one.
 *
 * First frame: clips start on a keyframe (capture cuts on GOP boundaries), so no decoding ahead.
 * `-f mov` before `-i` forces the demuxer ("-f fmt (input/output): Force input or output file
 * format", https://ffmpeg.org/ffmpeg.html#Main-options), so a playlist or concat script saved as
 * .mp4 is never interpreted as one; `-protocol_whitelist file` (an AVFormatContext option,
 * https://ffmpeg.org/ffmpeg-formats.html#Format-Options; FFmpeg libavformat/options_table.h)
 * refuses anything but local files even if some demuxer opens a nested input (issue #18.4).
 * @param file a path already through the clip path guard (`resolveClipPath`)
 */
export function firstFrameJpegArgs(file: string, width: number): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-protocol_whitelist',
    'file',
    '-f',
    'mov',
    '-i',
    file,
    '-frames:v',
    '1',
    '-vf',
    `scale=${width}:-2`,
    '-q:v',
    '5',
    '-f',
    'image2',
    '-c:v',
    'mjpeg',
    'pipe:1',
  ];
}
