/**
 * The one notification activity (style.md): e-mail through nodemailer — SMTP when configured,
 * otherwise an .eml file in a local outbox folder so a fresh machine needs nothing.
 * Idempotent per key (workflow id + step): the key becomes the Message-ID and the outbox file name.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';

import { EMAIL_REJECTED, type Email } from '../domain/email';

export { EMAIL_REJECTED };
export type EmailMessage = Email;

export type MailTransportConfig = { kind: 'smtp'; url: string } | { kind: 'outbox'; directory: string };

export interface NotificationDeps {
  transport: MailTransportConfig;
  from: string;
}

export interface SentEmail {
  messageId: string;
  /** Where it went: the SMTP server's reply or the outbox file. */
  deliveredTo: string;
}

function messageIdFor(key: string): string {
  return `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}@aftercare>`;
}

/**
 * RFC 5321 §4.2.1: a 5yz reply to the envelope or the message is permanent, so retrying the same
 * e-mail cannot succeed and the workflows' unlimited retry policy would never end. 4yz replies and
 * connection, TLS or authentication errors stay plain errors: they heal, or ops fix the config.
 */
function asPermanentRejection(error: unknown, to: string): ApplicationFailure | undefined {
  const { code, responseCode, response } = (error ?? {}) as { code?: string; responseCode?: number; response?: string };
  const rejected = (code === 'EENVELOPE' || code === 'EMESSAGE') && typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
  if (!rejected) return undefined;
  return ApplicationFailure.create({
    type: EMAIL_REJECTED,
    message: `The SMTP server rejected the e-mail to ${to}: ${response ?? responseCode}`,
    nonRetryable: true,
    details: [{ responseCode, response }],
    cause: error instanceof Error ? error : undefined,
  });
}

export function createNotificationActivities(deps: NotificationDeps) {
  const smtp = deps.transport.kind === 'smtp' ? nodemailer.createTransport(deps.transport.url) : undefined;
  const renderer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  return {
    async sendEmail(message: EmailMessage): Promise<SentEmail> {
      const mail = { from: deps.from, to: message.to, subject: message.subject, text: message.text, messageId: messageIdFor(message.key) };
      if (smtp) {
        const info = await smtp.sendMail(mail).catch((error: unknown) => {
          throw asPermanentRejection(error, message.to) ?? error;
        });
        return { messageId: info.messageId, deliveredTo: String(info.response) };
      }
      const { directory } = deps.transport as { directory: string };
      const rendered = await renderer.sendMail(mail);
      await mkdir(directory, { recursive: true });
      const file = path.join(directory, `${message.key.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
      // Same key, same file: a retried activity overwrites instead of sending twice.
      await writeFile(file, rendered.message as Buffer);
      return { messageId: rendered.messageId, deliveredTo: file };
    },
  };
}
