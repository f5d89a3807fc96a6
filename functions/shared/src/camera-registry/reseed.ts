import { parseCameraEntry, type CameraEntry } from './schema';

/**
 * Seeding that follows today's configuration (issue #28.4). The first `npm start` seeded cam1…cam10
 * with its rtsp-sim's port; a second one on the same Redis (Debian's redis-server keeps it) found
 * them seeded and kept them, so every recorder dialled the first run's dead port, and a smaller
 * NUM_STREAMS was ignored. Now each seeded entry is remembered exactly as it was seeded
 * (`cameras:registry:seeded-as`); while the stored entry still equals that record nobody edited it,
 * so it follows today's seed: rewritten when today's differs, removed when today's NUM_STREAMS no
 * longer lists it. An entry an operator changed (any field) or added is never touched, and one
 * an operator deleted stays deleted. Pure: the store runs the plan in one MULTI under WATCH.
 */
export interface ReseedState {
  /** registry: id → stored JSON */
  readonly registry: Readonly<Record<string, string>>;
  /** id → the entry JSON as it was seeded */
  readonly seededAs: Readonly<Record<string, string>>;
  /** ids ever seeded (an id here without a registry entry was deleted by an operator) */
  readonly seeded: ReadonlySet<string>;
}

export interface ReseedPlan {
  /** new ids: HSETNX into the registry, SADD seeded, HSET seeded-as */
  readonly add: readonly CameraEntry[];
  /** unedited seeded entries whose seed changed: HSET registry and seeded-as */
  readonly update: readonly CameraEntry[];
  /** unedited seeded entries today's configuration no longer lists: HDEL both, SREM seeded */
  readonly remove: readonly string[];
}

/** An entry's content without its write time, in schema order, or undefined when it is not valid. */
export function canonicalEntry(json: string | CameraEntry): string | undefined {
  try {
    const { updatedAt: _ignored, ...rest } = parseCameraEntry(typeof json === 'string' ? JSON.parse(json) : json);
    return JSON.stringify(rest);
  } catch {
    return undefined;
  }
}

export function planReseed(today: readonly CameraEntry[], s: ReseedState): ReseedPlan {
  const untouched = (id: string): boolean => {
    const stored = s.registry[id];
    const seeded = s.seededAs[id];
    return stored !== undefined && seeded !== undefined && canonicalEntry(stored) === seeded;
  };
  const add: CameraEntry[] = [];
  const update: CameraEntry[] = [];
  for (const e of today) {
    if (!s.seeded.has(e.id)) add.push(e);
    else if (untouched(e.id) && s.seededAs[e.id] !== canonicalEntry(e)) update.push(e);
  }
  const wanted = new Set(today.map((e) => e.id));
  const remove = Object.keys(s.seededAs).filter((id) => !wanted.has(id) && untouched(id));
  return { add, update, remove };
}
