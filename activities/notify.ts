/**
 * The one notification activity (style.md): e-mail through nodemailer — SMTP when configured,
 * otherwise an .eml file in a local outbox folder so a fresh machine needs nothing.
 * Idempotent per key (workflow id + step): the key becomes the Message-ID and the outbox file name.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';

import { EMAIL_REJECTED, type Email } from '../domain/email';
import type { DocumentStore } from './documents';

export { EMAIL_REJECTED };
export type EmailMessage = Email;

export type MailTransportConfig = { kind: 'smtp'; url: string } | { kind: 'outbox'; directory: string };

export interface NotificationDeps {
  transport: MailTransportConfig;
  from: string;
  /** Where attachments are read from; needed only by e-mails that have some. */
  documents?: DocumentStore;
}

export interface SentEmail {
  messageId: string;
  /** Where it went: the SMTP server's reply or the outbox file. */
  deliveredTo: string;
}

/**
 * Kept as it always was, so an e-mail in retry across a deploy keeps its Message-ID (the receiving
 * side's duplicate check). It is not injective (`+` and `.` both become `.`), but a key holds the
 * recipient's whole address, so two keys it merges belong to different recipients and no mailbox
 * sees both messages.
 */
function messageIdFor(key: string): string {
  return `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}@aftercare>`;
}

/** File names stay well below the 255 bytes Linux allows, with room for ".eml". */
const MAX_FILE_STEM = 200;

/**
 * One file per key, and never one file for two keys: every UTF-8 byte outside [A-Za-z0-9.-] (and
 * a leading dot, which would hide the file) becomes `_XX`, so `_` only ever starts an escape. A name
 * too long ends in `~` (which the escaping never writes) and a hash of the whole key.
 */
export function outboxFileName(key: string): string {
  let stem = '';
  for (const byte of new TextEncoder().encode(key)) {
    const char = String.fromCharCode(byte);
    const plain = /^[A-Za-z0-9.-]$/.test(char) && !(stem === '' && char === '.');
    stem += plain ? char : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (stem.length > MAX_FILE_STEM) stem = `${stem.slice(0, MAX_FILE_STEM - 33)}~${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  return `${stem}.eml`;
}

/** The key an outbox file was written for (what ops look it up by); null for a name shortened by a hash. */
export function outboxKeyOf(fileName: string): string | null {
  const stem = fileName.replace(/\.eml$/, '');
  if (stem.includes('~')) return null;
  const bytes: number[] = [];
  for (let index = 0; index < stem.length; index += 1) {
    if (stem[index] === '_') {
      bytes.push(parseInt(stem.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(stem.charCodeAt(index));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
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

/**
 * Below the activity's start-to-close timeout (workflows/email.ts): an attempt against a mail server
 * that stops answering ends by itself before the server schedules the next one (nodemailer waits an
 * hour for a silent socket by default).
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Heartbeats while `work` runs, so a worker that dies mid-send is noticed within the heartbeat timeout. */
async function heartbeatingWhile<T>(work: Promise<T>): Promise<T> {
  const context = asyncLocalStorage.getStore();
  if (!context) return work;
  context.heartbeat();
  const beat = setInterval(() => context.heartbeat(), 2_000);
  try {
    return await work;
  } finally {
    clearInterval(beat);
  }
}

/**
 * Read at send time, so a retry attaches the same stored bytes. A missing document stays missing
 * (non-retryable, from the store); a worker without a store is a config error that a deploy heals.
 */
async function attachmentsOf(message: EmailMessage, documents: DocumentStore | undefined) {
  if (!message.attachments?.length) return undefined;
  if (!documents) throw new Error(`E-mail ${message.key} has attachments, but this worker has no document store`);
  return Promise.all(
    message.attachments.map(async ({ documentId, fileName }) => {
      const { bytes } = await documents.readExisting(documentId).catch((error: unknown) => {
        if (!(error instanceof ApplicationFailure)) throw error;
        throw ApplicationFailure.create({ type: error.type ?? undefined, message: `E-mail ${message.key} cannot attach ${fileName}: ${error.message}`, nonRetryable: true, cause: error });
      });
      return { filename: fileName, content: bytes, contentType: 'application/pdf' };
    }),
  );
}

export function createNotificationActivities(deps: NotificationDeps) {
  const smtp = deps.transport.kind === 'smtp' ? nodemailer.createTransport({ ...SMTP_TIMEOUTS, url: deps.transport.url }) : undefined;
  const renderer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  return {
    async sendEmail(message: EmailMessage): Promise<SentEmail> {
      const attachments = await attachmentsOf(message, deps.documents);
      const mail = { from: deps.from, to: message.to, subject: message.subject, text: message.text, messageId: messageIdFor(message.key), ...(attachments && { attachments }) };
      if (smtp) {
        const info = await heartbeatingWhile(smtp.sendMail(mail)).catch((error: unknown) => {
          throw asPermanentRejection(error, message.to) ?? error;
        });
        return { messageId: info.messageId, deliveredTo: String(info.response) };
      }
      const { directory } = deps.transport as { directory: string };
      const rendered = await renderer.sendMail(mail);
      await mkdir(directory, { recursive: true });
      const file = path.join(directory, outboxFileName(message.key));
      // Same key, same file: a retried activity overwrites instead of sending twice.
      await writeFile(file, rendered.message as Buffer);
      return { messageId: rendered.messageId, deliveredTo: file };
    },
  };
}
