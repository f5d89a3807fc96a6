import path from 'node:path';
import { lua, luaReply, luaScripts } from '../../../shared/src/lua';

const PUT_INCIDENT_REPLIES = ['ok', 'dup', 'conflict'] as const;
/** The alerts function's Lua scripts (docs/architecture.md §3.3: one loader, `sh_alerts_<verb>`). */
export const loadAlertScripts = luaScripts('alerts', path.join(__dirname, 'lua'), {
  /** 'ok' | 'dup' (event id seen before) | 'conflict' (someone else wrote first) */
  'put-incident-4': lua({
    keys: ['incidents', 'byTime', 'open', 'seen'],
    args: ['incidentId', 'expectedRev', 'json', 'score', 'state', 'seenTtl', 'maxIncidents'],
    reply: (raw) => {
      const r = PUT_INCIDENT_REPLIES.find((x) => x === raw);
      if (!r) throw new Error(`put-incident-4: unexpected reply ${String(raw)}`);
      return r;
    },
  }),
  /** 1 stored, 0 redelivery */
  'add-verdict-4': lua({
    keys: ['seen', 'verdicts', 'counts', 'cameraVerdicts'],
    args: ['json', 'cap', 'status', 'seenTtl', 'cameraId', 'analyzedAtMs'],
    reply: luaReply.number,
  }),
  /** 1 stored, 0 redelivery, 2 older than stored (kept out) */
  'put-camera-2': lua({
    keys: ['seen', 'cameras'],
    args: ['cameraId', 'json', 'atMs', 'seenTtl'],
    reply: luaReply.number,
  }),
});
