import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import webpush from 'web-push';
import { EventType } from '../../shared/src/events';
import { redisKeys } from '../../shared/src/keys';
import { deleteKeysUnder, testRedis, waitUntil, withRedis, makeTestClip } from '../../../test/support';
import { browserKeys, verifyVapid } from '../../../test/support/web-push-endpoint';
import { PushSubscriptions } from '../../shared/src/push-subscriptions';
import { startNotify } from '../src/app/start-notify';
import { parseRules } from '../src/core/rules';
import { SLACK_LIMITS } from '../src/core/templates/slack';
import { THUMB_CID } from '../src/adapters/channels/email';
import { alertData, jsonOf, notifyConfig, postEvent, startReceiver } from './helpers';

/** A real SMTP server (smtp-server) that keeps every message raw. */
async function startSmtp(): Promise<{ port: number; mails: { to: string[]; raw: string }[]; close(): Promise<void> }> {
  const mails: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('notify channels against real receivers', () => {
  it('email over SMTP (nodemailer → smtp-server) carries the clip thumbnail inline (cid) and the incident links', async () => {
    const smtp = await startSmtp();
    const clipsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'notify-clips-'));
    await makeTestClip(path.join(clipsDir, 'cam1', 'clip.mp4'), { seconds: 1 });
    const env = notifyConfig({
      CLIPS_DIR: clipsDir,
      NOTIFY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      NOTIFY_EMAIL_TO: 'safety@plant.example',
    });
    const notify = await startNotify(env.config);
    try {
      const data = alertData({ clipPath: 'cam1/clip.mp4' });
      await postEvent(notify.url, EventType.alertRaised, data);
      const mail = await waitUntil(() => smtp.mails[0], { what: 'a mail', timeoutMs: 20_000 });
      expect(mail.to).toEqual(['safety@plant.example']);
      expect(mail.raw).toContain(`Content-ID: <${THUMB_CID}>`);
      expect(mail.raw).toContain(`cid:${THUMB_CID}`);
      const jpegPart = /Content-Type: image\/jpeg[\s\S]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+)/.exec(mail.raw);
      const jpeg = Buffer.from((jpegPart?.[1] ?? '').replace(/\s/g, ''), 'base64');
      expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8'); // a JPEG's SOI marker
      // the text part is quoted-printable (RFC 2045 §6.7): undo soft line breaks and =XX escapes
      const text = mail.raw
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      expect(text).toContain(`http://dashboard.test/incident/${data.incidentId}`);
      expect(text).toContain('http://dashboard.test/ack/');
    } finally {
      await notify.stop();
      await smtp.close();
      await fs.rm(clipsDir, { recursive: true, force: true });
      await withRedis((r) => deleteKeysUnder(r, env.prefix));
    }
  });

  it('Slack (Block Kit) and Teams (Adaptive Card) receivers get payloads within the published limits; the JANDI template its own body', async () => {
    const receiver = await startReceiver();
    const rules = parseRules({
      channels: [
        { id: 'slack', kind: 'slack', url: `${receiver.url}/slack` },
        { id: 'teams', kind: 'teams', url: `${receiver.url}/teams` },
        { id: 'jandi', kind: 'webhook', url: `${receiver.url}/jandi`, template: 'jandi' },
      ],
      rules: [{ id: 'r', recipients: ['slack', 'teams', 'jandi'].map((c) => ({ name: c, channel: c })) }],
    });
    if (!rules.ok) throw new Error(rules.message);
    const env = notifyConfig();
    const notify = await startNotify(env.config, { rules: rules.rules });
    try {
      await postEvent(notify.url, EventType.alertRaised, alertData({ summary: '불꽃 '.repeat(3000).slice(0, 7999) }));
      await waitUntil(() => receiver.accepted().length >= 3, { what: 'three posts' });
      const by = (p: string) => jsonOf(receiver.accepted().find((r) => r.path === p)!);
      const slack = by('/slack') as { text: string; blocks: { type: string; text?: { text: string } }[] };
      expect(slack.blocks[0]?.type).toBe('header');
      expect([...(slack.blocks[0]?.text?.text ?? '')].length).toBeLessThanOrEqual(SLACK_LIMITS.header);
      expect([...(slack.blocks[1]?.text?.text ?? '')].length).toBeLessThanOrEqual(SLACK_LIMITS.section);
      const teams = by('/teams') as { attachments: { contentType: string; content: { actions: { url: string }[] } }[] };
      expect(teams.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(teams.attachments[0]?.content.actions.map((a) => a.url)[1]).toContain('/ack/');
      expect(receiver.accepted().find((r) => r.path === '/jandi')?.headers.accept).toBe(
        'application/vnd.tosslab.jandi-v2+json',
      );
      expect(by('/jandi')).toHaveProperty('connectInfo');
    } finally {
      await notify.stop();
      await receiver.close();
      await withRedis((r) => deleteKeysUnder(r, env.prefix));
    }
  });

  it('Web Push: a local push endpoint decrypts the aes128gcm payload and checks the VAPID signature', async () => {
    const receiver = await startReceiver(() => ({ status: 201 }));
    const vapid = webpush.generateVAPIDKeys();
    const env = notifyConfig({ NOTIFY_VAPID_PUBLIC_KEY: vapid.publicKey, NOTIFY_VAPID_PRIVATE_KEY: vapid.privateKey });
    const tr = await testRedis();
    const browser = browserKeys();
    await new PushSubscriptions(tr.redis, redisKeys(env.prefix)).put({
      subscription: { endpoint: `${receiver.url}/push/abc`, keys: { p256dh: browser.p256dh, auth: browser.auth } },
      user: 'kim',
      at: new Date().toISOString(),
    });
    const notify = await startNotify(env.config); // default rule: outbox + Web Push to every subscribed browser
    try {
      const data = alertData();
      await postEvent(notify.url, EventType.alertRaised, data);
      const push = await waitUntil(() => receiver.accepted().find((r) => r.path === '/push/abc'), { what: 'a push' });
      expect(push.headers['content-encoding']).toBe('aes128gcm');
      const payload = JSON.parse(browser.decrypt(Buffer.from(push.body, 'latin1'))) as Record<string, string>;
      expect(payload).toMatchObject({ incidentId: data.incidentId, severity: 'danger' });
      expect(payload.url).toContain('http://dashboard.test/ack/');
      expect(verifyVapid(String(push.headers.authorization), receiver.url, vapid.publicKey)).toMatchObject({
        ok: true,
      });
      expect(push.headers.urgency).toBe('high');
    } finally {
      await notify.stop();
      await receiver.close();
      await tr.cleanup();
      await withRedis((r) => deleteKeysUnder(r, env.prefix));
    }
  });
});
