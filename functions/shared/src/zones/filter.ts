/**
 * The ffmpeg filter-graph fragment that composites a zone overlay PNG onto a video stream.
 *
 * The PNG is an extra input (one frame, no `-loop`): `scale2ref` scales it to the video's own
 * size ("uses the reference video instead of the main input as basis",
 * https://ffmpeg.org/ffmpeg-filters.html#scale2ref; FFmpeg/FFmpeg libavfilter/vf_scale.c
 * `ff_vf_scale2ref`, in ffmpeg 5.1; 7.x deprecates it for `scale`'s `rw`/`rh`), and `overlay`
 * keeps compositing that frame for the whole clip: its framesync `eof_action` defaults to
 * `repeat` (libavfilter/framesync.c; https://ffmpeg.org/ffmpeg-filters.html#framesync). The tint
 * test (functions/inference/test/zone-overlay.int.test.ts) checks the first and last frames.
 * The PNG's alpha is honoured with `format=auto`. Pure; the same fragment serves the inference
 * preparer's frames and capture's model-clip output.
 *
 * @param video label of the (already sampled and scaled) model video, e.g. `v`
 * @param zonesInput the overlay input's stream specifier, e.g. `1:v`
 * @param out label of the composited video
 */
export function zoneOverlayFilter(video: string, zonesInput: string, out: string): string {
  return `[${zonesInput}][${video}]scale2ref=w=iw:h=ih[zones][${video}_ref];[${video}_ref][zones]overlay=format=auto[${out}]`;
}
