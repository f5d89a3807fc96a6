import nodemailer from 'nodemailer';
import { toError } from '../../../../shared/src/errors';
import { plainText, type Message } from '../../core/message';
import type { Channel } from '../../core/rules';
import type { SendOutcome } from '../../core/retry';
import type { ChannelSender } from './types';

/** Content-ID of the inline thumbnail (RFC 2392 `cid:` URL; nodemailer `attachments[].cid`). */
export const THUMB_CID = 'incident-thumbnail@safety-hanta';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The mail's HTML: title, the inline picture, the summary, the two links. */
export function emailHtml(m: Message, withThumb: boolean): string {
  const link = (href: string, text: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
  return [
    `<h2>${escapeHtml(m.title)}</h2>`,
    withThumb ? `<p><img src="cid:${THUMB_CID}" alt="incident clip frame" width="480"></p>` : '',
    `<p>${escapeHtml(m.summary)}</p>`,
    m.continues ? `<p>이어지는 사건 · continues incident <code>${escapeHtml(m.continues)}</code></p>` : '',
    `<p>${link(m.incidentUrl, '사건 보기 · open the incident')}</p>`,
    m.ackUrl ? `<p>${link(m.ackUrl, '확인 · acknowledge')}</p>` : '',
  ].join('\n');
}

/**
 * SMTP replies: 4yz is a transient failure worth retrying, 5yz permanent (RFC 5321 §4.2.1);
 * nodemailer puts the reply code on `responseCode` and connection problems on `code`
 * (ECONNECTION, ETIMEDOUT, ESOCKET …; nodemailer lib/smtp-connection).
 */
export function smtpOutcome(err: unknown): SendOutcome {
  const e = toError(err) as Error & { responseCode?: number; code?: string };
  const code = e.responseCode;
  const retryable = code === undefined ? e.code !== 'EENVELOPE' : code < 500;
  return {
    ok: false,
    retryable,
    error: `${e.code ?? 'SMTP'}${code ? ` ${code}` : ''}: ${e.message.slice(0, 200)}`,
    ...(code ? { status: code } : {}),
  };
}

/** A transport to one SMTP server, every wait bounded by `timeoutMs` (close it after use). */
export function smtpTransport(smtpUrl: string, timeoutMs: number) {
  // `url` in the options object (nodemailer dist/cjs/smtp-transport/index.js parses it) so the timeouts apply too
  return nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

export function emailSender(
  channel: Extract<Channel, { kind: 'email' }>,
  opts: { from: string; thumbnail: (clipPath: string) => Promise<Buffer | undefined> },
): ChannelSender {
  return {
    kind: 'email',
    send: async (d, timeoutMs) => {
      const m = d.message;
      const to = d.recipient.to;
      if (!to) return { ok: false, retryable: false, error: `recipient ${d.recipient.name} has no "to" address` };
      const jpeg = m.clipPath ? await opts.thumbnail(m.clipPath) : undefined;
      const transport = smtpTransport(channel.smtpUrl, timeoutMs);
      try {
        await transport.sendMail({
          from: channel.from ?? opts.from,
          to,
          subject: m.title,
          text: plainText(m),
          html: emailHtml(m, jpeg !== undefined),
          headers: { 'X-SafetyHanta-Delivery': d.id },
          ...(jpeg
            ? { attachments: [{ filename: 'incident.jpg', content: jpeg, contentType: 'image/jpeg', cid: THUMB_CID }] }
            : {}),
        });
        return { ok: true };
      } catch (err) {
        return smtpOutcome(err);
      } finally {
        transport.close();
      }
    },
  };
}
