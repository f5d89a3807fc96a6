/**
 * Edits of a model clip's bytes for the presampled-clip edge cases (issue #27): what a camera or
 * muxer can hand us that a clean capture never does.
 */

/**
 * Shrinks the video track's `mdhd` duration (ISO/IEC 14496-12 §8.4.2, version 0) by `factor`, so
 * frames / duration, the fps the header states, reads `factor` × higher: 1.01 turns 2 fps into 2.02.
 */
export function withHeaderFpsScaled(mp4: Buffer, factor: number): Buffer {
  const out = Buffer.from(mp4);
  const at = out.indexOf('mdhd', 0, 'latin1');
  if (at < 0 || out.readUInt8(at + 4) !== 0) throw new Error('no version-0 mdhd box in this clip');
  const durationAt = at + 4 + 4 + 4 + 4 + 4; // type, version+flags, creation, modification, timescale
  out.writeUInt32BE(Math.round(out.readUInt32BE(durationAt) / factor), durationAt);
  return out;
}

/** Cuts the tail of the media data (`+faststart`: the moov, and its frame count, stay whole): the last frames no longer decode. */
export function withBrokenTail(mp4: Buffer, keep = 0.97): Buffer {
  return Buffer.from(mp4.subarray(0, Math.floor(mp4.length * keep)));
}
