/** An e-mail a workflow asks the notification activity to send, and how a refusal is named. */
export interface Email {
  /** Idempotency key (workflow id + step): a retry never sends twice. */
  key: string;
  to: string;
  subject: string;
  text: string;
  /** Held until this instant (a notice waiting for office hours). */
  notBeforeMs?: number;
  /** Stored documents to attach, by id: the bytes never pass through workflow history. */
  attachments?: { documentId: string; fileName: string }[];
}

/** Whether the e-mail may go at `nowMs` (it is not held for office hours any more). */
export function mayGoNow(email: Email, nowMs: number): boolean {
  return email.notBeforeMs === undefined || email.notBeforeMs <= nowMs;
}

/** Failure type of an e-mail the SMTP server refused for good (a bad address, a message it will not take). */
export const EMAIL_REJECTED = 'EmailRejected';
