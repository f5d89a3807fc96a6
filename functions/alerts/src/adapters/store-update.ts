import type { VerdictCreated } from '../../../shared/src/events';
import type { Applied, DashboardIncident } from '../core/incidents';

/** A verdict as stored for the dashboard. */
export interface StoredVerdict extends VerdictCreated {
  readonly eventId: string;
  readonly receivedAt: string;
  readonly analyzedAtMs: number;
}

/** Every change a browser should see; travels over Redis pub/sub so all replicas' browsers get it. */
export type StoreUpdate =
  | {
      readonly type: 'incident';
      readonly change: Applied['kind'] | 'acknowledged' | 'unobserved' | 'observed';
      readonly alert: boolean;
      readonly record: DashboardIncident;
    }
  | { readonly type: 'verdict'; readonly verdict: StoredVerdict }
  | { readonly type: 'camera'; readonly cameraId: string; readonly status: 'online' | 'offline'; readonly at: string };
