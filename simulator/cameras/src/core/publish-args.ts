/**
 * ffmpeg argv that loops a rendered clip into an RTSP path in real time, without re-encoding.
 * UDP because rtsp-streaming-server supports nothing else.
 */
export function buildPublishArgs(videoPath: string, publishUrl: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-re',
    '-stream_loop',
    '-1',
    '-i',
    videoPath,
    '-map',
    '0:v',
    '-c',
    'copy',
    '-f',
    'rtsp',
    '-rtsp_transport',
    'udp',
    publishUrl,
  ];
}
