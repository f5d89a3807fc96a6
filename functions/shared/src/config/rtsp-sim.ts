import path from 'node:path';
import { z } from 'zod';
import { envVar, int, optional, type Section } from './define';

/**
 * Variables owned by rtsp-sim (simulator/cameras). The client port comes from
 * RTSP_URL_TEMPLATE and the camera count from NUM_STREAMS (common section).
 */
export const rtspSim = {
  publishPort: envVar('RTSP_SIM_PUBLISH_PORT', {
    schema: int(0, 65535),
    default: '5554',
    expected: 'a TCP port 0–65535 (0 = any free port)',
    doc: 'rtsp-sim: port the RTSP server accepts publishers (ANNOUNCE/RECORD) on',
  }),
  controlPort: envVar('RTSP_SIM_CONTROL_PORT', {
    schema: int(0, 65535),
    default: '8555',
    expected: 'a TCP port 0–65535 (0 = any free port)',
    doc: 'rtsp-sim: HTTP fault switch (`GET /cameras`, `POST /cameras/N/drop|restore`)',
  }),
  rtpPortStart: envVar('RTSP_SIM_RTP_PORT_START', {
    schema: int(1024, 65000).refine((v) => v % 2 === 0),
    default: '3000',
    expected: 'an even port 1024–65000',
    doc: 'rtsp-sim: first UDP port of the RTSP server’s RTP/RTCP pool (keep it below 5000: ffmpeg picks its own ports in 5000–65000)',
  }),
  rtpPortCount: envVar('RTSP_SIM_RTP_PORT_COUNT', {
    schema: int(4, 60000),
    default: '1998',
    expected: 'an integer 4–60000',
    doc: 'rtsp-sim: size of the RTP/RTCP UDP port pool (2 per published stream + 2 per reader)',
  }),
  scenesDir: envVar('SCENES_DIR', {
    schema: z
      .string()
      .min(1)
      .transform((p) => path.resolve(p)),
    default: '.safety-hanta/scenes',
    expected: 'a directory path',
    doc: 'rtsp-sim: cache of rendered scene clips and their ground-truth JSON',
  }),
  sceneMapFile: envVar('SCENE_MAP_FILE', {
    schema: optional(
      z
        .string()
        .min(1)
        .transform((p) => path.resolve(p)),
    ),
    expected: 'a path to a JSON file',
    doc: 'rtsp-sim: JSON object camera → scene name (`{"cam1":"fire","2":"safe"}`); unset = camera N plays scene (N-1) mod K',
  }),
  sceneSize: envVar('SCENE_SIZE', {
    schema: z
      .string()
      .regex(/^\d{2,4}x\d{2,4}$/)
      .transform((v) => {
        const [w, h] = v.split('x').map(Number) as [number, number];
        return { width: w, height: h };
      })
      .refine((s) => s.width % 2 === 0 && s.height % 2 === 0, 'even sizes'),
    default: '1280x720',
    expected: 'WIDTHxHEIGHT with even numbers, e.g. 1280x720',
    doc: 'rtsp-sim: frame size of the rendered scenes',
  }),
  sceneFps: envVar('SCENE_FPS', {
    schema: int(1, 60),
    default: '25',
    expected: 'an integer 1–60',
    doc: 'rtsp-sim: frame rate of the rendered scenes (GOP = 1 s)',
  }),
  staggerMs: envVar('RTSP_SIM_STAGGER_MS', {
    schema: int(0, 10000),
    default: '300',
    expected: 'milliseconds 0–10000',
    doc: 'rtsp-sim: delay between starting two publishers (a start-up burst makes the server miss UDP packets)',
  }),
} satisfies Section;
