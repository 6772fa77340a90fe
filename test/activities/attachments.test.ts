/**
 * E-mails that attach stored documents: through a real SMTP conversation (the loopback sink) and
 * into the outbox, the PDF part decodes to exactly the stored bytes.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { DOCUMENT_MISSING, DocumentStore, createDocumentActivities } from '../../activities/documents';
import { type EmailMessage, type NotificationDeps, createNotificationActivities } from '../../activities/notify';
import { uniqueId } from '../helpers/fixtures';
import { type SmtpSink, parseRaw, startSmtpSink } from '../helpers/smtp-sink';

const FROM = 'Aftercare <aftercare@vendor.example>';

let sink: SmtpSink;
let directory: string;
let documents: DocumentStore;

beforeAll(async () => {
  sink = await startSmtpSink();
  directory = await mkdtemp(path.join(os.tmpdir(), 'aftercare-attachments-'));
  documents = new DocumentStore(path.join(directory, 'documents'));
});

afterAll(async () => {
  await sink.close();
  await rm(directory, { recursive: true, force: true });
});

async function producedReport() {
  const caseId = uniqueId('C');
  return createDocumentActivities({ store: documents }).produceDocument({
    documentId: `remote-${caseId}/report`,
    content: { kind: 'remote-report', caseId, customerName: '上海示例科技有限公司', sections: [{ heading: '结论 · Outcome', rows: [['处理结果 · Result', '已恢复服务']] }] },
  });
}

function emailWith(attachments: EmailMessage['attachments']): EmailMessage {
  return { key: `${uniqueId('remote-C')}/report`, to: 'it@customer.example', subject: 'Your remote maintenance report', text: 'The report is attached.', attachments };
}

/** The MIME parts of a multipart message, each with its headers and its body as sent. */
function partsOf(headers: Map<string, string>, body: string) {
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error(`not a multipart message: ${headers.get('content-type')}`);
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => parseRaw(part.replace(/^\r\n/, '')));
}

function pdfPartOf({ headers, body }: { headers: Map<string, string>; body: string }) {
  expect(headers.get('content-type')).toMatch(/^multipart\/mixed/);
  const pdfs = partsOf(headers, body).filter((part) => part.headers.get('content-type')?.startsWith('application/pdf'));
  expect(pdfs).toHaveLength(1);
  const [pdf] = pdfs;
  expect(pdf.headers.get('content-transfer-encoding')).toBe('base64');
  return { headers: pdf.headers, bytes: Buffer.from(pdf.body.replace(/\s+/g, ''), 'base64'), messageId: headers.get('message-id') };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function notifier(transport: NotificationDeps['transport']) {
  return createNotificationActivities({ transport, from: FROM, documents });
}

test('through SMTP, the attached application/pdf part decodes to the bytes whose SHA-256 the document has', async () => {
  const report = await producedReport();
  const message = emailWith([{ documentId: report.documentId, fileName: 'remote-maintenance-report.pdf' }]);

  const sent = await notifier({ kind: 'smtp', url: sink.url }).sendEmail(message);

  const mail = sink.received.find((candidate) => candidate.headers.get('message-id') === sent.messageId);
  expect(mail).toBeDefined();
  const pdf = pdfPartOf(mail!);
  expect(pdf.headers.get('content-type')).toContain('name=remote-maintenance-report.pdf');
  expect(pdf.headers.get('content-disposition')).toMatch(/^attachment; filename=remote-maintenance-report\.pdf/);
  expect(pdf.bytes).toHaveLength(report.bytes);
  expect(sha256(pdf.bytes)).toBe(report.sha256);
  // The Message-ID still comes from the key alone, attachments or not.
  expect(sent.messageId).toBe(`<${message.key.replace(/\//g, '.')}@aftercare>`);
});

test('in the outbox, the .eml carries the same PDF part, and the text stays its own part', async () => {
  const report = await producedReport();
  const outbox = path.join(directory, uniqueId('outbox'));
  const message = emailWith([{ documentId: report.documentId, fileName: '远程维护报告.pdf' }]);

  const sent = await notifier({ kind: 'outbox', directory: outbox }).sendEmail(message);

  const eml = parseRaw((await readFile(sent.deliveredTo, 'utf8')).replace(/\r?\n/g, '\r\n'));
  const pdf = pdfPartOf(eml);
  expect(sha256(pdf.bytes)).toBe(report.sha256);
  expect(pdf.messageId).toBe(sent.messageId);
  const { headers, body } = eml;
  const text = partsOf(headers, body).find((part) => part.headers.get('content-type')?.startsWith('text/plain'));
  expect(text?.body.trim()).toBe(message.text);
});

test('an attachment whose document is not stored fails the e-mail for good, naming the e-mail and the file, and sends nothing', async () => {
  const message = emailWith([{ documentId: `remote-${uniqueId('C')}/report`, fileName: 'report.pdf' }]);
  const before = sink.attempts.length;

  const error = await notifier({ kind: 'smtp', url: sink.url })
    .sendEmail(message)
    .then(
      () => undefined,
      (failure: unknown) => failure,
    );

  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  expect(failure.type).toBe(DOCUMENT_MISSING);
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain(message.key);
  expect(failure.message).toContain('report.pdf');
  expect(sink.attempts.length).toBe(before);
});

test('a worker without a document store leaves an e-mail with attachments retryable (a config error a deploy heals)', async () => {
  const report = await producedReport();
  const error = await createNotificationActivities({ transport: { kind: 'outbox', directory: path.join(directory, uniqueId('outbox')) }, from: FROM })
    .sendEmail(emailWith([{ documentId: report.documentId, fileName: 'report.pdf' }]))
    .then(
      () => undefined,
      (failure: unknown) => failure,
    );

  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(ApplicationFailure);
  expect((error as Error).message).toContain('no document store');
});
