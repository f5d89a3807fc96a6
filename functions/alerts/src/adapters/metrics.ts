import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Counter, Gauge, type Registry } from '../../../shared/src/metrics';

/** The alerts function's Prometheus metrics (`safetyhanta_alerts_*`), registered once per registry. */
export function createAlertsMetrics(registry: Registry) {
  return {
    received: new Counter({
      name: 'safetyhanta_alerts_events_received_total',
      help: 'Valid CloudEvents received, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'safetyhanta_alerts_events_duplicate_total',
      help: 'Redelivered CloudEvents (same id) ignored',
      labelNames: ['type'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'safetyhanta_alerts_events_rejected_total',
      help: 'Malformed CloudEvents answered with 400',
      registers: [registry],
    }),
    thumbnails: new Counter({
      name: 'safetyhanta_alerts_thumbnails_extracted_total',
      help: 'JPEG thumbnails extracted with ffmpeg (once per clip)',
      registers: [registry],
    }),
    renditions: new Counter({
      name: 'safetyhanta_alerts_h264_copies_made_total',
      help: 'H.264 copies of clips made with ffmpeg for browsers that cannot play the clip (once per clip while cached)',
      registers: [registry],
    }),
    wrongTokens: new Counter({
      name: 'safetyhanta_alerts_wrong_tokens_total',
      help: 'Logins and bearer requests with a wrong token (throttled per client, issue #28.8)',
      registers: [registry],
    }),
    sseClients: new Gauge({
      name: 'safetyhanta_alerts_sse_clients',
      help: 'Browsers connected to /api/stream',
      registers: [registry],
    }),
  };
}

export type AlertsMetrics = ReturnType<typeof createAlertsMetrics>;

/**
 * Counts malformed CloudEvents (400 on POST /). Counted on the server, not in the handler:
 * functions-framework's body parser answers a body that is not JSON with 400 before the handler runs.
 */
export function countRejectedEvents(server: Server, metrics: Pick<AlertsMetrics, 'rejected'>): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && (req.url === '/' || req.url?.startsWith('/?')))
      res.on('finish', () => res.statusCode === 400 && metrics.rejected.inc());
  });
}
