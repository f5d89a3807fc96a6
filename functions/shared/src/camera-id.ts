import { z } from 'zod';

/**
 * The one camera-id rule (docs/architecture.md §3.4 [contract]): letters, digits, `_` or `-`, at
 * most 64. An id names a folder under CLIPS_DIR and a Redis hash field, so nothing that could
 * climb out of a folder (`.`, `/`) or split a key (`:`) is allowed.
 */
export const CAMERA_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What {@link CAMERA_ID} allows, for error messages. */
export const CAMERA_ID_RULE = 'letters, digits, _ or -, at most 64';

/** A camera id at a zod boundary (jobs, events, registry, query parameters, datasets). */
export const CameraIdSchema = z.string().regex(CAMERA_ID, `cameraId: ${CAMERA_ID_RULE}`);
