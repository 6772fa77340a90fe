/**
 * A real SMTP server on loopback (smtp-server) that keeps what it receives: tests hold the same
 * SMTP conversation production does. Recipients whose local part is `no-such-user` get a 550,
 * `mailbox-busy` a 451, as an unhappy mail server would answer.
 */
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  mailFrom: string;
  rcptTo: string[];
  headers: Map<string, string>;
  body: string;
}

const REJECTIONS: Record<string, { code: number; text: string }> = {
  'no-such-user': { code: 550, text: 'Mailbox unavailable' },
  'mailbox-busy': { code: 451, text: 'Try again later' },
};

/** Enough RFC 5322 for assertions: unfolded headers (last one wins) and the body as sent. */
export function parseRaw(raw: string): Pick<ReceivedMail, 'headers' | 'body'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(split + 4) };
}

export interface SmtpSink {
  url: string;
  /** Messages the sink accepted (answered 250). */
  received: ReceivedMail[];
  /** The Message-ID of every DATA transfer, in order, including those never answered. */
  attempts: string[];
  close(): Promise<void>;
}

/**
 * `stallFirstAttempt`: the first transfer of each message is never answered, as with a mail server
 * that hangs mid-conversation; the sender's retry is accepted.
 */
export async function startSmtpSink({ stallFirstAttempt = false } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const attempts: string[] = [];
  const sink = new SMTPServer({
    // Plain SMTP on loopback: no self-signed STARTTLS upgrade, no login.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      const rejection = REJECTIONS[address.address.split('@')[0]];
      if (!rejection) return callback();
      callback(Object.assign(new Error(rejection.text), { responseCode: rejection.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelope = session.envelope;
        const mail = {
          mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
          rcptTo: envelope.rcptTo.map((rcpt) => rcpt.address),
          ...parseRaw(Buffer.concat(chunks).toString('utf8')),
        };
        const messageId = mail.headers.get('message-id') ?? '';
        const firstAttempt = !attempts.includes(messageId);
        attempts.push(messageId);
        if (stallFirstAttempt && firstAttempt) return;
        received.push(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(sink.server.address() as net.AddressInfo).port}`,
    received,
    attempts,
    close: () => new Promise<void>((resolve) => sink.close(resolve)),
  };
}
