import type { ClipSource } from '../../../shared/src/clip-job';
import { stampedStart } from '../../../shared/src/clip-identity';

/** How far our own recorder's start may be from the clip's stamp: the stamp is rounded down and bumped a second per name taken. */
const RECORDER_START_SLACK_MS = 5000;

/**
 * The job's start: the file-name stamp (whole seconds) when it has one, else what the sender says.
 * Our own recorder (in-process, never from the network) knows the start to the millisecond from the
 * segment's own timing: that is kept when it is near the stamp, so the judged windows coverage is
 * made of (start + duration) do not leave sub-second holes between clips.
 */
export function jobStart(relPath: string, announced: string, origin: ClipSource['origin']): Date {
  const stamp = stampedStart(relPath);
  const said = new Date(announced);
  if (!stamp) return said;
  return origin === 'recorder' && Math.abs(said.getTime() - stamp.getTime()) <= RECORDER_START_SLACK_MS ? said : stamp;
}
