import type { Logger } from '../../../../functions/shared/src/logger';
import type { CameraStatus } from '../adapters/control-http';
import type { RenderedScene } from '../adapters/render';
import type { SceneDefinition } from '../core/scene-model';

export interface RtspSimOptions {
  /** cameras cam1…camN (default 10) */
  readonly numStreams?: number;
  /** reader URL template with `{N}` (default `rtsp://127.0.0.1:8554/cam{N}`); its port is the client port unless `clientPort` is given */
  readonly urlTemplate?: string;
  /** reader port; 0 = a free port */
  readonly clientPort?: number;
  /** publisher port (default 5554); 0 = a free port */
  readonly publishPort?: number;
  /** HTTP fault switch port (default 8555); 0 = a free port; null = no HTTP server */
  readonly controlPort?: number | null;
  /** RTP/RTCP UDP pool start (default 3000, see docs/architecture.md §5); 0 = a random block in 3000–4998 */
  readonly rtpPortStart?: number;
  /** RTP/RTCP pool size (default 1998; with rtpPortStart 0: 2 per camera + 40 for readers, small so random blocks rarely meet) */
  readonly rtpPortCount?: number;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** render cache (default `.safety-hanta/scenes`) */
  readonly cacheDir?: string;
  /** camera → scene name, keys `"N"` or `"camN"` */
  readonly mapping?: Readonly<Record<string, string>> | undefined;
  /** scene library (default SCENES) */
  readonly scenes?: readonly SceneDefinition[];
  /** delay between publisher starts, ms (default 300) */
  readonly staggerMs?: number;
  /** wait until every camera answers DESCRIBE 200 (default true) */
  readonly waitReady?: boolean;
  readonly readyTimeoutMs?: number;
  readonly ffmpegPath?: string;
  readonly logger?: Logger;
  /** progress of the scene renders */
  readonly onRender?: (r: RenderedScene) => void;
}

export interface RtspSimHandle {
  /** reader URL of camera n (1-based) */
  urlFor(n: number): string;
  /** camera number → scene name */
  readonly cameras: Readonly<Record<number, string>>;
  /** camera number → rendered clip + ground truth */
  readonly rendered: Readonly<Record<number, RenderedScene>>;
  /** kill camera n's publisher; its RTSP path disappears. Resolves once readers get 404. */
  drop(n: number): Promise<void>;
  /** restart camera n's publisher. Resolves once the path is readable again. */
  restore(n: number): Promise<void>;
  /**
   * Adds a camera while running: the next number (or `n`), its scene by name or as camera n
   * would get at start (rendered if not cached yet). Resolves once readers can DESCRIBE it.
   */
  add(o?: { n?: number; scene?: string }): Promise<CameraStatus>;
  /** Removes camera n for good (its publisher stops, its path goes 404); drop() is the reversible fault. */
  remove(n: number): Promise<void>;
  /** state of every camera */
  status(): CameraStatus[];
  /** `http://127.0.0.1:<port>` of the fault switch, or null when disabled */
  readonly controlUrl: string | null;
  readonly ports: {
    readonly client: number;
    readonly publish: number;
    readonly control: number | null;
    readonly rtpStart: number;
    readonly rtpCount: number;
  };
  /** pids of every child process (server + running publishers) */
  pids(): number[];
  /** stops everything (idempotent); no child process is left */
  stop(): Promise<void>;
}
