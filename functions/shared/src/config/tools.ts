import { z } from 'zod';
import { envVar, type Section } from './define';

const executable = z.string().min(1);
const expected = 'an executable name or path';

/**
 * External programs, one `<TOOL>_PATH` each, read by every part that runs the tool
 * (docs/architecture.md §3.2 "Names"): one ffmpeg setting, not one per part.
 */
export const tools = {
  ffmpegPath: envVar('FFMPEG_PATH', {
    schema: executable,
    default: 'ffmpeg',
    expected,
    doc: 'ffmpeg binary: capture’s recorders (5.1+: `-timeout` is the socket timeout in µs) and alerts’ camera thumbnails',
    deprecatedNames: ['ALERTS_FFMPEG'],
  }),
  ffprobePath: envVar('FFPROBE_PATH', {
    schema: executable,
    default: 'ffprobe',
    expected,
    doc: 'ffprobe binary (capture validates clips from outside sources)',
  }),
  chromiumPath: envVar('CHROMIUM_PATH', {
    schema: executable,
    default: 'chromium',
    expected,
    doc: 'the browser alerts prints report PDFs with (`--headless --print-to-pdf`); without it `/reports/*.pdf` answers 503',
    deprecatedNames: ['RECORD_CHROMIUM'],
  }),
  redisServerPath: envVar('REDIS_SERVER_PATH', {
    schema: executable,
    default: 'redis-server',
    expected,
    doc: '`npm start`: Redis server binary launched (on a free port, in a temp dir) when nothing answers at REDIS_URL',
    deprecatedNames: ['STACK_REDIS_SERVER'],
  }),
} satisfies Section;
