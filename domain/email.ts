/** An e-mail a workflow asks the notification activity to send, and how a refusal is named. */
export interface Email {
  /** Idempotency key (workflow id + step): a retry never sends twice. */
  key: string;
  to: string;
  subject: string;
  text: string;
  /** Held until this instant (a notice waiting for office hours). */
  notBeforeMs?: number;
}

/** Failure type of an e-mail the SMTP server refused for good (a bad address, a message it will not take). */
export const EMAIL_REJECTED = 'EmailRejected';
