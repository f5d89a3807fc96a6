// Types of the labels module the alerts server generates at start-up from functions/shared/src
// (src/adapters/static-assets.ts `labelsModule`; served as /assets/labels.js). Derived from the
// shared sources, so the browser code is type-checked against the same tables (tsconfig.browser.json).
import type {
  HAZARD_LABEL_KO as HazardLabels,
  HAZARD_TYPES as HazardTypes,
  STATUS_LABEL_KO as StatusLabels,
} from '../../shared/src/verdict';
import type { FILL_ALPHA as FillAlpha, KIND_RGB as KindRgb } from '../../shared/src/zones/overlay-style';
import type { formatDuration as FormatDuration } from '../src/core/format';

export declare const STATUS_LABEL_KO: typeof StatusLabels;
export declare const HAZARD_TYPES: typeof HazardTypes;
export declare const HAZARD_LABEL_KO: typeof HazardLabels;
export declare const KIND_RGB: typeof KindRgb;
export declare const FILL_ALPHA: typeof FillAlpha;
export declare const formatDuration: typeof FormatDuration;
