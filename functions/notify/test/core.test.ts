import { signAckToken, verifyAckToken } from '../../shared/src/ack-link';
import { decideAlert, decideCamera, dueStep } from '../src/core/incident-state';
import { buildMessage } from '../src/core/message';
import { nextStep, parseRetryAfter } from '../src/core/retry';
import { inWindow, localTime, matchingRules, type Subject } from '../src/core/routing';
import { parseRules } from '../src/core/rules';
import { SLACK_LIMITS, slackBody } from '../src/core/templates/slack';
import { teamsBody } from '../src/core/templates/teams';
import { jandiBody, signatureValue, verifySignature } from '../src/core/templates/webhook';
import { alertData } from './helpers';

const subject = (over: Partial<Subject> = {}): Subject => ({
  kind: 'incident',
  cameraId: 'cam1',
  hazardType: 'fire',
  severity: 'danger',
  site: 'plant A',
  zones: ['loading dock'],
  ...over,
});

describe('rules: validation names the field', () => {
  it('accepts a full rule and refuses bad ones with the path', () => {
    const ok = parseRules({
      timeZone: 'Asia/Seoul',
      channels: [{ id: 'ops', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' }],
      rules: [
        {
          id: 'night',
          match: { hazardTypes: ['fire'], window: { from: '22:00', to: '06:00' } },
          recipients: [{ name: 'ops', channel: 'ops' }],
          escalation: { tiers: [[{ name: 'boss', channel: 'outbox' }]] },
        },
      ],
    });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.rules.rules[0]?.escalation?.afterMinutes).toBe(2);
    expect(
      parseRules({
        rules: [
          {
            id: 'r',
            match: { window: { from: '25:00', to: '06:00' } },
            recipients: [{ name: 'a', channel: 'outbox' }],
          },
        ],
      }),
    ).toMatchObject({ ok: false, field: 'rules.0.match.window.from' });
    expect(parseRules({ rules: [{ id: 'r', recipients: [{ name: 'a', channel: 'nope' }] }] })).toMatchObject({
      ok: false,
      field: 'rules.0.recipients.0.channel',
    });
    expect(parseRules({ timeZone: 'Mars/Base', rules: [] })).toMatchObject({ ok: false, field: 'timeZone' });
  });
});

describe('routing', () => {
  it('a night shift wraps past midnight and belongs to the day it started', () => {
    const w = { from: '22:00', to: '06:00', days: [5] }; // Friday night
    expect(inWindow(w, { day: 5, minutes: 23 * 60 })).toBe(true);
    expect(inWindow(w, { day: 6, minutes: 2 * 60 })).toBe(true); // Saturday 02:00, still Friday's shift
    expect(inWindow(w, { day: 6, minutes: 23 * 60 })).toBe(false);
    expect(inWindow(w, { day: 5, minutes: 12 * 60 })).toBe(false);
  });

  it('local time follows the IANA zone', () => {
    expect(localTime(new Date('2026-12-06T15:30:00Z'), 'Asia/Seoul')).toEqual({ day: 1, minutes: 30 }); // Monday 00:30 KST
  });

  it('matches on site, camera, zone, hazard and severity; quiet hours let only danger through', () => {
    const r = parseRules({
      rules: [
        {
          id: 'zone',
          match: { zones: ['loading dock'], sites: ['plant A'] },
          recipients: [{ name: 'a', channel: 'outbox' }],
        },
        { id: 'cam2', match: { cameras: ['cam2'] }, recipients: [{ name: 'b', channel: 'outbox' }] },
        { id: 'quiet', quietHours: { from: '00:00', to: '06:00' }, recipients: [{ name: 'c', channel: 'outbox' }] },
        { id: 'offline', match: { events: ['camera_offline'] }, recipients: [{ name: 'd', channel: 'outbox' }] },
      ],
    });
    if (!r.ok) throw new Error(r.message);
    const night = new Date('2026-12-06T03:00:00Z');
    const ids = (s: Subject, at: Date) => matchingRules(r.rules, s, at).map((x) => x.id);
    expect(ids(subject(), night)).toEqual(['zone', 'quiet']);
    expect(ids(subject({ severity: 'warning', hazardType: 'no_hard_hat' }), night)).toEqual(['zone']);
    expect(ids(subject({ severity: 'warning', hazardType: 'no_hard_hat' }), new Date('2026-12-06T12:00:00Z'))).toEqual([
      'zone',
      'quiet',
    ]);
    expect(ids(subject({ cameraId: 'cam2', zones: [], site: 'plant B' }), night)).toEqual(['cam2', 'quiet']);
    expect(
      ids(subject({ kind: 'camera_offline', hazardType: 'camera_offline', severity: 'warning', zones: [] }), night),
    ).toEqual(['offline']);
  });
});

describe('transitions', () => {
  it('raise, silent same-severity update, severity-up (even after an ack), resolve, then nothing', () => {
    const d = alertData({ severity: 'warning', status: 'warning' });
    const r1 = decideAlert(undefined, 'raised', d, 1000);
    expect(r1.transition).toBe('raised');
    const s1 = { ...r1.next!, rev: 1 };
    expect(decideAlert(s1, 'updated', d, 2000).transition).toBeUndefined();
    const r2 = decideAlert(s1, 'updated', { ...d, severity: 'danger' }, 3000);
    expect(r2).toMatchObject({ transition: 'severity-up', next: { severity: 'danger', dangerSince: 3000 } });
    const r3 = decideAlert({ ...r2.next!, rev: 2 }, 'resolved', { ...d, state: 'resolved' }, 4000);
    expect(r3.transition).toBe('resolved');
    expect(decideAlert({ ...r3.next!, rev: 3 }, 'updated', d, 5000).transition).toBeUndefined();
    expect(decideAlert(undefined, 'resolved', d, 0).transition).toBeUndefined();
  });

  it('escalation steps count from when danger was told', () => {
    const inc = { ...decideAlert(undefined, 'raised', alertData(), 0).next!, rev: 1 };
    expect(dueStep(inc, 2, 119_999)).toBe(0);
    expect(dueStep(inc, 2, 120_000)).toBe(1);
    expect(dueStep(inc, 2, 240_000)).toBe(2);
  });

  it('camera offline once, online ends it', () => {
    const off = { cameraId: 'cam1', status: 'offline' as const, at: '2026-12-06T01:00:00.000Z' };
    const r1 = decideCamera(undefined, off);
    expect(r1.transition).toBe('camera-offline');
    expect(decideCamera({ ...r1.next!, rev: 1 }, off).transition).toBeUndefined();
    expect(decideCamera({ ...r1.next!, rev: 1 }, { ...off, status: 'online' }).transition).toBe('camera-online');
  });
});

describe('retry policy (RFC 9110 §10.2.3 Retry-After)', () => {
  it('reads seconds and HTTP-dates; retries 5xx/429 with capped backoff; 4xx and the last attempt are dead', () => {
    const now = Date.parse('2026-12-06T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    const policy = { maxAttempts: 5, baseMs: 1000, maxMs: 8000 };
    const fail = { ok: false as const, retryable: true, error: 'x' };
    expect(nextStep(fail, 1, policy, () => 1)).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(nextStep(fail, 4, policy, () => 1)).toEqual({ kind: 'retry', delayMs: 8000 });
    expect(nextStep(fail, 4, policy, () => 0)).toEqual({ kind: 'retry', delayMs: 4000 });
    expect(nextStep({ ...fail, retryAfterMs: 60_000 }, 1, policy)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(nextStep(fail, 5, policy)).toEqual({ kind: 'dead' });
    expect(nextStep({ ...fail, retryable: false }, 1, policy)).toEqual({ kind: 'dead' });
    expect(nextStep({ ok: true }, 1, policy)).toEqual({ kind: 'done' });
  });
});

describe('signatures', () => {
  it('webhook HMAC: tampering, another key and an old timestamp fail', () => {
    const now = 1_700_000_000_000;
    const h = signatureValue('k'.repeat(20), '{"a":1}', now / 1000);
    expect(verifySignature('k'.repeat(20), h, '{"a":1}', now)).toBe(true);
    expect(verifySignature('k'.repeat(20), h, '{"a":2}', now)).toBe(false);
    expect(verifySignature('j'.repeat(20), h, '{"a":1}', now)).toBe(false);
    expect(verifySignature('k'.repeat(20), h, '{"a":1}', now + 301_000)).toBe(false);
  });

  it('acknowledge links: scoped, expiring, tamper-proof', () => {
    const secret = 's'.repeat(20);
    const t = signAckToken({ incidentId: 'inc-1', recipient: 'kim', expiresAt: 2000 }, secret);
    expect(verifyAckToken(t, secret, 1_999_000)).toEqual({
      ok: true,
      claims: { incidentId: 'inc-1', recipient: 'kim', expiresAt: 2000 },
    });
    expect(verifyAckToken(t, secret, 2_000_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyAckToken(t, 'x'.repeat(20), 0)).toEqual({ ok: false, reason: 'signature' });
    const forged =
      Buffer.from(JSON.stringify({ i: 'inc-2', r: 'kim', e: 2000 })).toString('base64url') + t.slice(t.indexOf('.'));
    expect(verifyAckToken(forged, secret, 0)).toEqual({ ok: false, reason: 'signature' });
    expect(verifyAckToken('garbage', secret, 0)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('templates hold to the published limits', () => {
  const long = buildMessage(
    {
      incidentId: 'inc-1',
      transition: 'severity-up',
      severity: 'danger',
      cameraId: 'cam1',
      hazardType: 'person_fall'.repeat(20),
      summary: '넘어짐 '.repeat(2000),
      openedAt: '2026-12-06T00:00:00.000Z',
      at: '2026-12-06T00:00:05.000Z',
    },
    'https://dash.example',
  );
  it('Slack: header ≤ 150, section ≤ 3000, fields ≤ 10 × 2000, buttons ≤ 75', () => {
    const b = slackBody({ ...long, ackUrl: 'https://dash.example/ack/t' });
    const header = b.blocks[0] as { text: { text: string } };
    const section = b.blocks[1] as { text: { text: string }; fields: { text: string }[] };
    expect([...header.text.text].length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    expect([...section.text.text].length).toBeLessThanOrEqual(SLACK_LIMITS.section);
    expect(section.fields.length).toBeLessThanOrEqual(10);
    expect(b.blocks.length).toBeLessThanOrEqual(50);
    const actions = b.blocks.find((x) => x.type === 'actions') as {
      elements: { text: { text: string }; url: string }[];
    };
    expect(actions.elements.map((e) => e.url)).toEqual([long.incidentUrl, 'https://dash.example/ack/t']);
  });
  it('Teams: one Adaptive Card attachment under 28 KB; JANDI: body + connectInfo', () => {
    const t = teamsBody(long) as {
      type: string;
      attachments: { contentType: string; content: { type: string; version: string } }[];
    };
    expect(t.type).toBe('message');
    expect(t.attachments[0]).toMatchObject({
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: { type: 'AdaptiveCard', version: '1.4' },
    });
    expect(Buffer.byteLength(JSON.stringify(t))).toBeLessThan(28 * 1024);
    const j = jandiBody(long);
    expect(j).toMatchObject({ connectColor: '#E53935' });
    expect(Array.isArray(j.connectInfo)).toBe(true);
  });
});
