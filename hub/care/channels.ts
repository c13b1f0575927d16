// The three outside channels of an alert: e-mail over SMTP (nodemailer), a webhook (JSON POST)
// and ntfy-style push (text POST with a Title header). Each sender throws when delivery failed,
// and the outbox retries. Error messages never carry the password or the full URL.
import nodemailer from 'nodemailer';
import type { HubConfig } from '../config.js';
import type { AlertMessage } from './messages.js';
import type { Channel } from './types.js';

export interface Sender {
  send(message: AlertMessage): Promise<void>;
}

/** Maximum wait for one HTTP delivery, milliseconds. */
export const HTTP_TIMEOUT_MS = 10000;

/** Origin of a URL, for logs: the path or query of a webhook often contains its token. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** Encodes a header value as RFC 2047 UTF-8 when it is not plain ASCII, as ntfy accepts. */
function headerText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

async function post(url: string, body: string, headers: Record<string, string>, what: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (err) {
    throw new Error(`${what} POST to ${urlOrigin(url)} failed: ${(err as Error).message}`);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`${what} POST to ${urlOrigin(url)} failed with HTTP ${response.status}`);
}

function emailSender(config: HubConfig): Sender | null {
  if (config.smtpHost === null || config.smtpFrom === null || config.smtpTo === null) return null;
  const transport = nodemailer.createTransport({
    host: config.smtpHost,
    port: config.smtpPort,
    secure: config.smtpPort === 465,
    auth: config.smtpUser !== null ? { user: config.smtpUser, pass: config.smtpPassword ?? '' } : undefined,
    connectionTimeout: HTTP_TIMEOUT_MS,
  });
  const from = config.smtpFrom;
  const to = config.smtpTo;
  return {
    async send(message) {
      try {
        await transport.sendMail({ from, to, subject: message.subject, text: message.text });
      } catch (err) {
        throw new Error(`e-mail through ${config.smtpHost}:${config.smtpPort} failed: ${(err as Error).message}`);
      }
    },
  };
}

/** Builds a sender for each channel the settings configure. */
export function makeSenders(config: HubConfig): Partial<Record<Channel, Sender>> {
  const senders: Partial<Record<Channel, Sender>> = {};
  const email = emailSender(config);
  if (email) senders.email = email;

  const webhookUrl = config.webhookUrl;
  if (webhookUrl !== null) {
    senders.webhook = {
      send: (message) => post(webhookUrl, JSON.stringify(message.json), { 'content-type': 'application/json' }, 'webhook'),
    };
  }
  const ntfyUrl = config.ntfyUrl;
  if (ntfyUrl !== null) {
    senders.ntfy = {
      send: (message) => post(ntfyUrl, message.text, {
        'content-type': 'text/plain; charset=utf-8',
        title: headerText(message.subject),
        tags: message.json['phase'] === 'raised' ? 'potted_plant,warning' : 'potted_plant,white_check_mark',
      }, 'ntfy'),
    };
  }
  return senders;
}
