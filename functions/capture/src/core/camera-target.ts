import type { CameraEntry } from '../../../shared/src/camera-registry/schema';
import {
  hasMaskedPassword,
  openPassword,
  splitPassword,
  withPassword,
} from '../../../shared/src/camera-registry/credentials';
import type { RtspTransport } from './recorder-args';

/** What a recorder is spawned with: the URL WITH its password (in memory only, never logged) and the transport. */
export interface CameraTarget {
  url: string;
  transport: RtspTransport;
}

/**
 * A registry entry as capture records it (issue #26.2/#26.3): the password from the entry's
 * sealed `credential` (CAMERA_CREDENTIALS_KEY), else, for a camera seeded from RTSP_URL_TEMPLATE
 * (`user:***@` and no credential), from the template itself; the entry's transport, else
 * RTSP_TRANSPORT. A credential that does not open (wrong key) yields the masked URL: the camera
 * then answers 401 and goes offline, which names the problem without printing anything secret.
 */
export function cameraTarget(
  entry: Pick<CameraEntry, 'url' | 'credential' | 'transport'>,
  opts: { key?: Buffer | undefined; template: string; transport: RtspTransport },
): CameraTarget {
  const transport = entry.transport ?? opts.transport;
  if (!hasMaskedPassword(entry.url)) return { url: entry.url, transport };
  let password: string | undefined;
  if (entry.credential !== undefined && opts.key) {
    try {
      password = openPassword(entry.credential, opts.key);
    } catch {
      password = undefined;
    }
  } else if (entry.credential === undefined) password = splitPassword(opts.template).password;
  return { url: password === undefined ? entry.url : withPassword(entry.url, password), transport };
}

/** Same camera, same recording: a change of URL, password or transport restarts the recorder. */
export function sameTarget(a: CameraTarget | undefined, b: CameraTarget | undefined): boolean {
  return a !== undefined && b !== undefined && a.url === b.url && a.transport === b.transport;
}
