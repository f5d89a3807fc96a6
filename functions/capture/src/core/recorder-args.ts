import { zoneOverlayFilter } from '../../../shared/src/zones/filter';
import { MODEL_CLIP_STRIP, modelClipEncoderOptions, THUMB_HEIGHT, THUMB_WIDTH } from '../../../shared/src/model-clip';

/**
 * The recorder's ffmpeg command, built without I/O so it can be tested on its argv
 * (docs/architecture.md §2, layering). The evidence output is a stream copy (re-encoding it
 * would cost ~60× the CPU, docs/architecture.md §5); the optional model-clip and thumbnail
 * outputs (issue #13) decode once and encode only the few sampled, scaled frames.
 */

export interface RecorderArgsInput {
  /** RTSP URL of the camera. */
  url: string;
  /** `auto`: ffmpeg's own order, UDP first and TCP after a 461 (measured on 5.1.9 against gst-rtsp-server). */
  transport: RtspTransport;
  /** Socket I/O timeout; ffmpeg exits when the stream stalls this long. */
  timeoutSeconds: number;
  segmentSeconds: number;
  /** Absolute CSV segment list of this ffmpeg run. */
  listFile: string;
  /** Absolute staging directory of this run (same filesystem as CLIPS_DIR). */
  runDir: string;
  /** Second and third outputs of the same process: the model clip and its gray thumbnails. */
  model?: ModelOutputInput | undefined;
}

export type RtspTransport = 'tcp' | 'udp' | 'auto';

export interface ModelOutputInput {
  sampling: 'fps' | 'keyframes';
  /** Sampling rate (fps sampling); keyframes sampling gives 1 fps (1 s GOP). */
  fps: number;
  maxSide: number;
  /** Absolute path of the camera's zone overlay PNG (second input); absent = no zones. */
  overlayFile?: string | undefined;
  /** Absolute CSV segment lists of the model and thumbnail outputs. */
  modelListFile: string;
  thumbsListFile: string;
}

/** The command split the way fluent-ffmpeg takes it. */
export interface RecorderCommand {
  input: string;
  inputOptions: string[];
  /** A second input (the zone overlay PNG), with its own options. */
  extraInput?: { input: string; inputOptions: string[] } | undefined;
  /** Options given once, before the outputs (the filter graph). */
  globalOptions?: string[] | undefined;
  outputOptions: string[];
  output: string;
  /** Further outputs of the same process (model clip, thumbnails). */
  extraOutputs?: { options: string[]; output: string }[] | undefined;
}

/**
 * Staging file name: numbered (the segment index; `-strftime` off, FFmpeg n5.1 segment.c
 * set_segment_filename `av_get_frame_filename2`), so no two segments of a run can share a name
 * (issue #26.5). It was `seg-%s.mp4` (`-strftime 1`: time() when the file was opened, one-second
 * resolution): two segments opened in one second overwrote each other. A clip's wall-clock start
 * comes from the list's timing instead (core/segment-list.ts listedTimes).
 */
export const SEGMENT_PATTERN = 'seg-%06d.mp4';
/**
 * The derived outputs are found through their CSV lists only, so they are numbered (`-strftime 0`:
 * the segment index, FFmpeg n5.1 segment.c set_segment_filename `av_get_frame_filename2`) and
 * can never collide: after a +20 s timestamp jump the fps filter's duplicates opened several model
 * segments in one second and `model-%s.mp4` overwrote itself (ENOENT, a truncated file, then the
 * recorder died; camera-compat.md case 6b).
 */
export const MODEL_SEGMENT_PATTERN = 'model-%06d.mp4';
export const THUMBS_SEGMENT_PATTERN = 'thumbs-%06d.gray';

/** Same as inference's scale filter (functions/inference/src/core/ffmpeg-args.ts): long side ≤ maxSide, never up, even sizes. */
export function scaleFilter(maxSide: number): string {
  return `scale=w='if(gte(iw,ih),min(${maxSide},iw),-2)':h='if(gte(iw,ih),-2,min(${maxSide},ih))'`;
}

/** The model clip's frame rate for a sampling (keyframes: 1 fps with the 1 s GOP, as inference's modelClipFps). */
export function modelFps(m: Pick<ModelOutputInput, 'sampling' | 'fps'>): number {
  return m.sampling === 'keyframes' ? 1 : m.fps;
}

/**
 * Filter graph of the model and thumbnail outputs, on the EVIDENCE's clock (issue #26.1): the
 * decoded frames keep the input timestamps the stream copy keeps (ffmpeg subtracts the same input
 * start time from every packet before the copy and the decoder alike, FFmpeg n5.1
 * fftools/ffmpeg.c process_input `ts_offset`), and `fps=…:start_time=0` makes the sampled stream
 * start at 0 on that clock, repeating the first decoded frame until it ("start_time: Assume the
 * first PTS should be the given value … This allows for padding/trimming at the start of stream",
 * https://ffmpeg.org/ffmpeg-filters.html#fps-1). So model time = evidence time: the model's forced
 * keyframes at n × SEGMENT_SECONDS (modelOutput) are at the same instants as the evidence's cut
 * thresholds, whatever the first decoded frame's time (it was `setpts=PTS-STARTPTS`, which moved
 * the model clock by that time, 0.5–0.9 s with rtsp-sim, so no cut lead could be right for both).
 * Zones are drawn after sampling and scaling, into the model clip only (shared/src/zones/filter.ts);
 * thumbnails are taken from the same frames.
 */
export function modelFilterGraph(m: ModelOutputInput): string {
  const sample = m.sampling === 'keyframes' ? 'fps=1:start_time=0:eof_action=pass' : `fps=${m.fps}:start_time=0`;
  const head = `[0:v:0]${sample},${scaleFilter(m.maxSide)}`;
  const zoned = m.overlayFile ? `${head}[mv0];${zoneOverlayFilter('mv0', '1:v', 'mz')};[mz]` : `${head},`;
  return `${zoned}split[mv][mt];[mt]scale=${THUMB_WIDTH}:${THUMB_HEIGHT},format=gray[mthumb]`;
}

/**
 * How early the evidence may be cut (`-segment_time_delta`): one model frame. The stream copy can
 * cut only at a source keyframe, the first one with pts ≥ n × segment_time − delta (FFmpeg n5.1
 * libavformat/segment.c seg_write_packet, `end_pts - seg->time_delta`; doc/muxers.texi
 * segment_time_delta: "useful when splitting video content, which is always split at GOP
 * boundaries, in case a key frame is found just before the specified split point"). The model is
 * cut at exactly n × segment_time, so the evidence cut lands within [−1, GOP − 1] model frames of
 * it: always within the pairing's ± one frame (core/model-pairing.ts) for a GOP up to two model
 * frames (1 s at the default 2 fps), whatever the camera's keyframe phase. Without it a camera whose
 * keyframes fall just before the grid (gst-rtsp-server: 0.1 s) was cut a whole GOP late, never paired.
 */
export function evidenceCutLead(m: Pick<ModelOutputInput, 'sampling' | 'fps'>): number {
  return 1 / modelFps(m);
}

/** Segment-muxer options both derived outputs share with the evidence output (same cut clock), numbered names. */
function segmentOptions(segmentSeconds: number, format: string, listFile: string): string[] {
  return [
    '-f',
    'segment',
    '-segment_time',
    String(segmentSeconds),
    '-segment_format',
    format,
    '-reset_timestamps',
    '1',
    '-strftime',
    '0',
    '-segment_list',
    listFile,
    '-segment_list_type',
    'csv',
  ];
}

/**
 * The model clip as inference's buildModelClipArgs makes it (H.264 yuv420p, CFR at the
 * sampling rate, no B-frames, bitexact, metadata stripped), segmented in lockstep with the
 * evidence. Keyframes only where a segment must start: `-force_key_frames expr:…` is evaluated per
 * frame with `t` = seconds since the output's first frame and `n_forced` = keyframes forced so far
 * (https://ffmpeg.org/ffmpeg.html#Advanced-Video-options; FFmpeg n5.1 fftools/ffmpeg.c
 * do_video_out, forced_kf_ref_pts); `-g 100000 -sc_threshold 0` leave no periodic or scene-cut
 * keyframes. The segment muxer cuts only at a keyframe of the reference (video) stream whose pts is
 * ≥ (segments so far + 1) × segment_time, unless `break_non_keyframes` (FFmpeg n5.1
 * https://github.com/FFmpeg/FFmpeg/blob/n5.1/libavformat/segment.c seg_write_packet), so it
 * cannot cut anywhere else. `-segment_format_options movflags=+faststart` reaches each segment's
 * mov muxer: seg_init and segment_start pass `format_options` to avformat_init_output /
 * avformat_write_header of every segment (same file; doc/muxers.texi "segment, stream_segment,
 * ssegment", which has this very example,
 * https://ffmpeg.org/ffmpeg-formats.html#segment_002c-stream_005fsegment_002c-ssegment).
 * Measured on 5.1.9: every model segment is ftyp/moov/free/mdat with exactly one keyframe, first.
 */
function modelOutput(i: RecorderArgsInput, m: ModelOutputInput): { options: string[]; output: string }[] {
  const s = i.segmentSeconds;
  return [
    {
      options: [
        '-map',
        '[mv]',
        ...MODEL_CLIP_STRIP,
        ...modelClipEncoderOptions(modelFps(m)),
        '-g',
        '100000',
        '-sc_threshold',
        '0',
        '-force_key_frames',
        `expr:gte(t,n_forced*${s})`,
        ...segmentOptions(s, 'mp4', m.modelListFile),
        '-segment_format_options',
        'movflags=+faststart',
      ],
      output: `${i.runDir}/${MODEL_SEGMENT_PATTERN}`,
    },
    {
      // raw frames: every one is a keyframe (FFmpeg n5.1 libavcodec/rawenc.c raw_encode sets
      // AV_PKT_FLAG_KEY), so it cuts at the first frame ≥ n × segment_time, the same frame the
      // model output starts its segment with
      options: ['-map', '[mthumb]', '-c:v', 'rawvideo', ...segmentOptions(s, 'rawvideo', m.thumbsListFile)],
      output: `${i.runDir}/${THUMBS_SEGMENT_PATTERN}`,
    },
  ];
}

export function buildRecorderCommand(i: RecorderArgsInput): RecorderCommand {
  return {
    input: i.url,
    inputOptions: [
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-loglevel',
      'warning',
      // the RTSP demuxer, pinned: a URL can no longer pick another demuxer (`…/img%d.png` was
      // opened by image2) nor a protocol beyond what RTSP needs (probe finding 16)
      '-f',
      'rtsp',
      '-protocol_whitelist',
      'tcp,udp,rtp,tls',
      // audio is never even SET UP: 개인정보보호법 §25(5) bars CCTV operators from recording sound
      // (docs/deploy.md). RTSP demuxer option `allowed_media_types` (`ffmpeg -h demuxer=rtsp`, 5.1.9)
      '-allowed_media_types',
      'video',
      ...(i.transport === 'auto' ? [] : ['-rtsp_transport', i.transport]),
      // ffmpeg ≥ 5: socket timeout in microseconds (`-stimeout` is gone; docs/architecture.md §6.1)
      '-timeout',
      String(Math.round(i.timeoutSeconds * 1_000_000)),
      // a decoder option only (AVCodecContext `skip_frame`, flags .D.V., `ffmpeg -h full`;
      // https://ffmpeg.org/ffmpeg-codecs.html#Codec-Options): the stream copy is fed demuxed
      // packets, never decoded frames (FFmpeg n5.1 fftools/ffmpeg.c do_streamcopy), so it still
      // gets every packet (measured on 5.1.9: 250/250 packets copied, 10/250 frames decoded)
      ...(i.model?.sampling === 'keyframes' ? ['-skip_frame', 'nokey'] : []),
    ],
    outputOptions: [
      '-map',
      '0:v',
      '-c',
      'copy',
      // HEVC evidence is tagged `hvc1` (parameter sets in the sample entry only), not ffmpeg's
      // default `hev1`: Apple players play HEVC in MP4 only as `hvc1` (Apple, "HLS authoring
      // specification for Apple devices" 1.10; camera-compat.md case 2). `-tag` is ffmpeg's
      // "force codec tag/fourcc" option (https://ffmpeg.org/ffmpeg.html#Main-options). Harmless for
      // H.264: the segment muxer keeps a forced tag only when the mp4 muxer maps it to the stream's
      // own codec, else it clears it and mp4 writes `avc1` (FFmpeg n5.1 libavformat/segment.c
      // segment_mux_init, the av_codec_get_id/av_codec_get_tag test; measured on 5.1.9 against
      // gst-rtsp-server: HEVC → hvc1, H.264 → avc1), so the argv needs no codec probe first.
      '-tag:v',
      'hvc1',
      '-f',
      'segment',
      '-segment_time',
      String(i.segmentSeconds),
      ...(i.model ? ['-segment_time_delta', String(evidenceCutLead(i.model))] : []),
      '-segment_format',
      'mp4',
      // each packet written through at once, not in 256 KiB blocks: a recorder killed mid-segment (a
      // stalled camera, core/stall.ts) leaves on disk every sample it got, which open-segment.ts then
      // rebuilds into a clip (at 300 kbit/s one block was 7 s of video). `flush_packets` is a generic
      // muxer option ("Flush the underlying I/O stream after each packet",
      // https://ffmpeg.org/ffmpeg-formats.html#Format-Options; FFmpeg n5.1 libavformat/mux.c
      // flush_if_needed) that the segment muxer hands to each segment's mp4 muxer with
      // `segment_format_options` (avformat_write_header options, segment.c segment_start)
      '-segment_format_options',
      'flush_packets=1',
      '-reset_timestamps',
      '1',
      // the CSV line is written and flushed in segment_end() right after the segment's
      // av_write_trailer() (which writes the moov and flushes), i.e. once the file is complete
      // (its fd is closed just after): our "finished" signal (FFmpeg n5.1 libavformat/segment.c
      // segment_end; docs/architecture.md §6.1)
      '-segment_list',
      i.listFile,
      '-segment_list_type',
      'csv',
    ],
    output: `${i.runDir}/${SEGMENT_PATTERN}`,
    ...(i.model
      ? {
          // a PNG is one frame: overlay repeats it for the whole stream (shared/src/zones/filter.ts)
          extraInput: i.model.overlayFile
            ? { input: i.model.overlayFile, inputOptions: ['-f', 'png_pipe'] }
            : undefined,
          globalOptions: ['-filter_complex', modelFilterGraph(i.model)],
          extraOutputs: modelOutput(i, i.model),
        }
      : {}),
  };
}

/** The argv ffmpeg ends up with (fluent-ffmpeg adds `-y` before the outputs). */
export function recorderArgv(cmd: RecorderCommand): string[] {
  return [
    ...cmd.inputOptions,
    '-i',
    cmd.input,
    ...(cmd.extraInput ? [...cmd.extraInput.inputOptions, '-i', cmd.extraInput.input] : []),
    '-y',
    ...(cmd.globalOptions ?? []),
    ...cmd.outputOptions,
    cmd.output,
    ...(cmd.extraOutputs ?? []).flatMap((o) => [...o.options, o.output]),
  ];
}

/** camera n (1-based) → `cam<n>` and its URL from RTSP_URL_TEMPLATE. */
export function cameraId(n: number): string {
  return `cam${n}`;
}

export function cameraUrl(template: string, n: number): string {
  return template.replaceAll('{N}', String(n));
}
