/**
 * The notification activity against a real SMTP conversation (a local smtp-server sink) and against
 * the outbox folder. The activity is called as the worker calls it: built by createActivities.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities, type EmailMessage } from '../../activities';
import { testActivityDeps } from '../helpers/activity-deps';
import { EMAIL_REJECTED, outboxFileName, outboxKeyOf } from '../../activities/notify';
import { uniqueId } from '../helpers/fixtures';
import { type ReceivedMail, type SmtpSink, parseRaw, startSmtpSink } from '../helpers/smtp-sink';

const FROM = 'Aftercare <aftercare@vendor.example>';

let sink: SmtpSink;
let smtpUrl: string;
let received: ReceivedMail[];

beforeAll(async () => {
  sink = await startSmtpSink();
  smtpUrl = sink.url;
  received = sink.received;
});

afterAll(() => sink.close());

function smtpActivities(url = smtpUrl) {
  return createActivities(testActivityDeps({ transport: { kind: 'smtp', url }, from: FROM, directory: os.tmpdir() }));
}

function email(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    key: `${uniqueId('hotline-case')}/auto-close/1`,
    to: 'it@customer.example',
    subject: 'Your case was closed',
    text: 'We closed your case one month after the solution.\nReply to reopen it.',
    ...overrides,
  };
}

function receivedWith(messageId: string): ReceivedMail[] {
  return received.filter((mail) => mail.headers.get('message-id') === messageId);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the activity to fail');
}

/** What the worker does with a thrown error: only a non-retryable ApplicationFailure stops retries. */
function isNonRetryable(error: unknown): boolean {
  return error instanceof ApplicationFailure && error.nonRetryable === true;
}

describe('SMTP transport', () => {
  test('delivers envelope, Subject and text through a real SMTP conversation', async () => {
    const message = email();
    const sent = await smtpActivities().sendEmail(message);

    const [mail, ...others] = receivedWith(sent.messageId);
    expect(others).toHaveLength(0);
    expect(mail.mailFrom).toBe('aftercare@vendor.example');
    expect(mail.rcptTo).toEqual(['it@customer.example']);
    expect(mail.headers.get('from')).toBe(FROM);
    expect(mail.headers.get('to')).toBe('it@customer.example');
    expect(mail.headers.get('subject')).toBe('Your case was closed');
    expect(mail.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(mail.body.replace(/\r\n/g, '\n').trimEnd()).toBe(message.text);
    expect(sent.deliveredTo).toMatch(/^250 /);
  });

  test('a retry with the same idempotency key carries the same Message-ID, derived from the key', async () => {
    const message = email();
    const first = await smtpActivities().sendEmail(message);
    const retry = await smtpActivities().sendEmail(message);

    const expected = `<${message.key.replace(/\//g, '.')}@aftercare>`;
    expect(first.messageId).toBe(expected);
    expect(retry.messageId).toBe(expected);
    // SMTP itself cannot refuse a duplicate; the stable Message-ID lets mail clients collapse it.
    expect(receivedWith(expected).map((mail) => mail.headers.get('message-id'))).toEqual([expected, expected]);

    const other = await smtpActivities().sendEmail(email());
    expect(other.messageId).not.toBe(expected);
  });

  test('a recipient the server rejects with 550 fails the activity for good as EmailRejected', async () => {
    const message = email({ to: 'no-such-user@customer.example' });
    const error = await failureOf(smtpActivities().sendEmail(message));

    expect(error).toBeInstanceOf(ApplicationFailure);
    const failure = error as ApplicationFailure;
    expect(failure.type).toBe(EMAIL_REJECTED);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('no-such-user@customer.example');
    expect(failure.message).toContain('550 Mailbox unavailable');
    expect(failure.details).toEqual([{ responseCode: 550, response: '550 Mailbox unavailable' }]);
    expect(receivedWith(`<${message.key.replace(/\//g, '.')}@aftercare>`)).toHaveLength(0);
  });

  test('a temporary 451 rejection stays a retryable error', async () => {
    const error = await failureOf(smtpActivities().sendEmail(email({ to: 'mailbox-busy@customer.example' })));

    expect(isNonRetryable(error)).toBe(false);
    expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 451 });
  });

  test('a mail server that refuses connections leaves the activity retryable', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const error = await failureOf(smtpActivities(`smtp://127.0.0.1:${closedPort}`).sendEmail(email()));

    expect(isNonRetryable(error)).toBe(false);
    expect(error).toMatchObject({ code: 'ESOCKET' });
    expect(String((error as Error).message)).toContain('ECONNREFUSED');
  });
});

describe('outbox transport', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'aftercare-outbox-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  function outboxActivities() {
    return createActivities(testActivityDeps({ transport: { kind: 'outbox', directory }, from: FROM, directory, auditDirectory: directory }));
  }

  test('writes one .eml per idempotency key, and a retry with the same key writes no duplicate', async () => {
    const message = email();
    const first = await outboxActivities().sendEmail(message);
    const retry = await outboxActivities().sendEmail(message);

    expect(retry).toEqual(first);
    expect(await readdir(directory)).toEqual([path.basename(first.deliveredTo)]);
    expect(path.basename(first.deliveredTo)).toBe(outboxFileName(message.key));

    const { headers, body } = parseRaw((await readFile(first.deliveredTo, 'utf8')).replace(/\r?\n/g, '\r\n'));
    expect(headers.get('message-id')).toBe(first.messageId);
    expect(headers.get('from')).toBe(FROM);
    expect(headers.get('to')).toBe(message.to);
    expect(headers.get('subject')).toBe(message.subject);
    expect(body.replace(/\r\n/g, '\n').trimEnd()).toBe(message.text);

    await outboxActivities().sendEmail(email({ subject: 'Another step' }));
    expect(await readdir(directory)).toHaveLength(2);
  });

  test('recipients whose addresses differ only in characters a file name cannot hold get a file each', async () => {
    const caseKey = uniqueId('hotline-case');
    const recipients = ['ops+sla@vendor.example', 'ops_sla@vendor.example', 'ops.sla@vendor.example', 'ops_2Bsla@vendor.example', '运维@vendor.example'];
    for (const to of recipients) await outboxActivities().sendEmail(email({ key: `${caseKey}/breach/response/${to}`, to }));
    const files = await readdir(directory);
    expect(files).toHaveLength(recipients.length);
    const addressed = await Promise.all(files.map(async (file) => parseRaw((await readFile(path.join(directory, file), 'utf8')).replace(/\r?\n/g, '\r\n')).headers.get('to')));
    expect(addressed.sort()).toEqual([...recipients].sort());
  });

  test('file names are one per key, never hidden, and short enough for any file system', () => {
    const keys = ['a/b', 'a_b', 'a_2Fb', 'a.b', '.hidden/x', '_2Ehidden/x', 'x'.repeat(400), `${'x'.repeat(400)}y`, 'é', 'e\u0301'];
    const names = keys.map(outboxFileName);
    expect(new Set(names).size).toBe(keys.length);
    // Ops find a file's key again from its name (all but the hashed long ones).
    expect(names.map(outboxKeyOf)).toEqual(keys.map((key) => (key.length > 100 ? null : key)));
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]*\.eml$/);
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    }
  });
});
