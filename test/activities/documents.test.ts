/**
 * The documents as real PDFs: rendered with the embedded CJK font, read back by pdf.js (text and a
 * rendered page 1), and stored, signed and found again in a real folder.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import {
  DOCUMENT_MISSING,
  type DocumentContent,
  type DocumentKind,
  DocumentStore,
  INVALID_DOCUMENT,
  createDocumentActivities,
  documentDirectoryFrom,
  renderDocument,
  renderDocumentPdf,
} from '../../activities/documents';
import { uniqueId } from '../helpers/fixtures';
import { inspectPdf } from '../helpers/pdf';

const CUSTOMER = '上海示例科技有限公司';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function content(overrides: Partial<DocumentContent> = {}): DocumentContent {
  return {
    kind: 'work-order',
    caseId: uniqueId('C'),
    customerName: CUSTOMER,
    sections: [
      { heading: '故障描述 · Fault', rows: [['现象 · Symptom', '数据库服务无法启动，日志显示磁盘空间不足。']] },
      { heading: '处理过程 · Work done', rows: [['措施 · Action', '清理归档日志并扩容数据盘 (cleaned archive logs, enlarged the data disk)']] },
    ],
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

const KINDS: [DocumentKind, string][] = [
  ['remote-report', '远程维护报告 · Remote maintenance report'],
  ['maintenance-confirmation', '客户故障维护确认书 · Fault maintenance confirmation'],
  ['work-order', '客服维护工作单 · Service work order'],
  ['materials-form', '工程材料增补单 · Supplementary materials form'],
];

describe('rendering', () => {
  test.each(KINDS)('a %s is a PDF whose Chinese title and customer name are text, with a page 1 that is not blank', async (kind, title) => {
    const pdf = await renderDocumentPdf(content({ kind }));

    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The font is subset: an 8 MB font file, a document of a few dozen kilobytes.
    expect(pdf.length).toBeLessThan(200_000);
    const { pages, darkShareOfPage1 } = await inspectPdf(pdf);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain(title);
    expect(pages[0]).toContain(CUSTOMER);
    expect(pages[0]).toContain('数据库服务无法启动');
    expect(darkShareOfPage1).toBeGreaterThan(0.002);
  });

  test('the customer copy of the work order says 用户联, the vendor copy 存根联, a single form neither', async () => {
    const [customer, vendor, single] = await Promise.all(
      (['customer', 'vendor', undefined] as const).map(async (copy) => (await inspectPdf(await renderDocumentPdf(content({ copy })))).pages[0]),
    );
    expect(customer).toContain('用户联 · customer copy');
    expect(vendor).toContain('存根联 · vendor copy');
    expect(single).not.toMatch(/用户联|存根联/);
  });

  test('a title given in the content replaces the kind’s', async () => {
    const { pages } = await inspectPdf(await renderDocumentPdf(content({ title: '巡检报告 · Inspection report' })));
    expect(pages[0]).toContain('巡检报告 · Inspection report');
    expect(pages[0]).not.toContain('客服维护工作单');
  });

  test('a long form runs onto further pages, each numbered, with the signature boxes at the end', async () => {
    const rows = Array.from({ length: 60 }, (_, index): [string, string] => [`材料 ${index + 1}`, `网线 Cat6，${index + 1} 米`]);
    const { pdf, pages } = await renderDocument(content({ kind: 'materials-form', sections: [{ heading: '增补材料 · Materials', rows }] }));

    const text = await inspectPdf(pdf);
    expect(text.pages).toHaveLength(pages);
    expect(pages).toBeGreaterThan(1);
    text.pages.forEach((page, index) => expect(page).toContain(`第 ${index + 1} / ${pages} 页`));
    expect(text.pages.join('')).toContain('网线 Cat6，60 米');
    expect(text.pages[pages - 1]).toContain('客户签字 · Customer');
  });
});

describe('DocumentStore', () => {
  let directory: string;
  let store: DocumentStore;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'aftercare-documents-'));
    store = new DocumentStore(directory);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function stored(caseId = uniqueId('C'), id = `remote-${caseId}/report`) {
    const { pdf, pages } = await renderDocument(content({ kind: 'remote-report', caseId }));
    return { caseId, id, pdf, record: await store.put({ id, caseId, kind: 'remote-report', title: '远程维护报告', pdf, pages }) };
  }

  test('a stored document is read back byte for byte, with metadata that hashes its bytes, and listed under its case', async () => {
    const { caseId, id, pdf, record } = await stored();

    expect(record).toMatchObject({ id, caseId, kind: 'remote-report', title: '远程维护报告', sha256: sha256(pdf), bytes: pdf.length, pages: 1, signatures: [] });
    expect(Date.parse(record.createdAt)).not.toBeNaN();
    expect(await readFile(path.join(directory, record.fileName))).toEqual(pdf);
    const read = await store.read(id);
    expect(read?.metadata).toEqual(record);
    expect(read?.bytes).toEqual(pdf);
    expect(await store.list(caseId)).toEqual([record]);
    expect(await store.list(uniqueId('C'))).toEqual([]);
    expect(await store.read(`${id}-never-stored`)).toBeNull();
  });

  test('a case lists only its own documents, oldest first', async () => {
    const caseId = uniqueId('C');
    const first = await stored(caseId, `on-site-${caseId}/work-order`);
    const second = await stored(caseId, `on-site-${caseId}/materials`);
    await stored();
    expect((await store.list(caseId)).map((record) => record.id)).toEqual([first.id, second.id]);
  });

  test('putting the same id again (an activity retry) returns the first record and keeps the first bytes', async () => {
    const { caseId, id, pdf, record } = await stored();
    const rendered = await renderDocument(content({ kind: 'remote-report', caseId, customerName: '另一家公司' }));

    const again = await store.put({ id, caseId, kind: 'remote-report', title: '远程维护报告', ...rendered });
    expect(again).toEqual(record);
    expect((await store.read(id))?.bytes).toEqual(pdf);
    expect(await store.list(caseId)).toHaveLength(1);
  });

  test('two attempts racing to store the same id both get the one record that was stored', async () => {
    const caseId = uniqueId('C');
    const id = `remote-${caseId}/report`;
    const renderings = await Promise.all([1, 2].map(() => renderDocument(content({ kind: 'remote-report', caseId }))));
    const records = await Promise.all(renderings.map((rendering) => store.put({ id, caseId, kind: 'remote-report', title: 'report', ...rendering })));

    expect(records[1]).toEqual(records[0]);
    expect(sha256((await store.read(id))!.bytes)).toBe(records[0].sha256);
    expect((await readdir(directory)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  test('an id already used by another case is refused rather than handing out that case’s document', async () => {
    const { id, pdf } = await stored();
    const failure = await failureOf(store.put({ id, caseId: uniqueId('C'), kind: 'remote-report', title: 'report', pdf, pages: 1 }));
    expect(failure.type).toBe(INVALID_DOCUMENT);
    expect(failure.nonRetryable).toBe(true);
  });

  test.each(['../outside', '/absolute', 'a//b', '.hidden', 'a/../b', 'a/./b', 'with space', 'tilde~id', 'trailing/', '', '报告', 'x'.repeat(151)])(
    'the id %j is refused with a clear error before anything is written',
    async (id) => {
      const before = await readdir(directory);
      for (const attempt of [
        store.put({ id, caseId: 'C1', kind: 'remote-report', title: 'report', pdf: Buffer.from('%PDF-1.7'), pages: 1 }),
        store.read(id),
        store.sign(id, { signedBy: 'it@customer.example', signedAtMs: 0, method: 'online' }),
      ]) {
        const failure = await failureOf(attempt);
        expect(failure.type).toBe(INVALID_DOCUMENT);
        expect(failure.message).toContain('Invalid document id');
      }
      expect(await readdir(directory)).toEqual(before);
    },
  );

  test('a signature holds the hash of the stored bytes, and signing again by the same signer changes nothing', async () => {
    const { id, pdf, record } = await stored();
    const signedAtMs = Date.parse('2025-03-04T02:00:00Z');

    const signature = await store.sign(id, { signedBy: '张伟 <zhang.wei@customer.example>', signedAtMs, method: 'online' });
    expect(signature).toEqual({ documentId: id, documentSha256: sha256(pdf), signedBy: '张伟 <zhang.wei@customer.example>', signedAt: '2025-03-04T02:00:00.000Z', method: 'online' });
    expect(signature.documentSha256).toBe(record.sha256);
    expect(await store.sign(id, { signedBy: '张伟 <zhang.wei@customer.example>', signedAtMs: signedAtMs + 60_000, method: 'online' })).toEqual(signature);

    const engineer = await store.sign(id, { signedBy: 'engineer@vendor.example', signedAtMs: signedAtMs + 1, method: 'online' });
    expect((await store.read(id))?.metadata.signatures).toEqual([signature, engineer]);
  });

  test('a document changed on disk after signing no longer hashes to what was signed', async () => {
    const { id, record } = await stored();
    const signature = await store.sign(id, { signedBy: 'it@customer.example', signedAtMs: Date.now(), method: 'online' });

    const file = path.join(directory, record.fileName);
    const altered = await readFile(file);
    altered[Math.floor(altered.length / 2)] ^= 0xff;
    await writeFile(file, altered);

    const reread = sha256((await store.read(id))!.bytes);
    expect(reread).not.toBe(signature.documentSha256);
    expect(reread).not.toBe((await store.read(id))!.metadata.sha256);
  });

  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

  test.each([
    ['PNG', PNG, 'image/png'],
    ['JPEG', JPEG, 'image/jpeg'],
    ['PDF', Buffer.from('%PDF-1.4\n%signed paper\n%%EOF\n'), 'application/pdf'],
  ])('an uploaded %s scan is stored beside the document with its hash', async (_name, scan, mediaType) => {
    const { id, pdf } = await stored();
    const signature = await store.sign(id, { signedBy: 'it@customer.example', signedAtMs: Date.now(), method: 'uploaded-scan', scan });

    expect(signature).toMatchObject({ method: 'uploaded-scan', documentSha256: sha256(pdf), scanSha256: sha256(scan) });
    expect(await readFile(path.join(directory, signature.scanFileName!))).toEqual(scan);
    expect(await store.readScan(id, 'it@customer.example')).toEqual({ bytes: scan, mediaType });
    expect(await store.readScan(id, 'someone-else@customer.example')).toBeNull();
  });

  test.each([
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
    ['a text file', Buffer.from('signed, Zhang Wei')],
    ['an empty file', Buffer.alloc(0)],
  ])('%s is refused as a scan, and no signature is recorded', async (_name, scan) => {
    const { id } = await stored();
    const failure = await failureOf(store.sign(id, { signedBy: 'it@customer.example', signedAtMs: Date.now(), method: 'uploaded-scan', scan }));

    expect(failure.type).toBe(INVALID_DOCUMENT);
    expect(failure.message).toBe('The scan is neither a PDF, a PNG nor a JPEG file');
    expect((await store.read(id))?.metadata.signatures).toEqual([]);
  });

  test('a scan comes only with an uploaded-scan signature, and such a signature needs one', async () => {
    const { id } = await stored();
    expect((await failureOf(store.sign(id, { signedBy: 'a@customer.example', signedAtMs: 0, method: 'online', scan: PNG }))).type).toBe(INVALID_DOCUMENT);
    expect((await failureOf(store.sign(id, { signedBy: 'a@customer.example', signedAtMs: 0, method: 'uploaded-scan' }))).type).toBe(INVALID_DOCUMENT);
  });

  test('signing a document that is not stored fails for good as DocumentMissing', async () => {
    const failure = await failureOf(store.sign(`remote-${uniqueId('C')}/report`, { signedBy: 'a@customer.example', signedAtMs: 0, method: 'online' }));
    expect(failure.type).toBe(DOCUMENT_MISSING);
    expect(failure.nonRetryable).toBe(true);
  });
});

describe('document activities', () => {
  let directory: string;
  let activities: ReturnType<typeof createDocumentActivities>;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'aftercare-document-activities-'));
    activities = createDocumentActivities({ store: new DocumentStore(directory) });
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('produceDocument stores the rendered PDF once: a retry returns the stored document, not a new rendering', async () => {
    const form = content({ kind: 'maintenance-confirmation' });
    const documentId = `remote-${form.caseId}.confirmation`;

    const produced = await activities.produceDocument({ documentId, content: form });
    const stored = await new DocumentStore(directory).read(documentId);
    expect(produced).toEqual({ documentId, sha256: sha256(stored!.bytes), bytes: stored!.bytes.length, pages: 1 });
    expect(stored!.metadata).toMatchObject({ caseId: form.caseId, kind: 'maintenance-confirmation', title: '客户故障维护确认书 · Fault maintenance confirmation' });

    expect(await activities.produceDocument({ documentId, content: { ...form, customerName: '另一家公司' } })).toEqual(produced);
    expect((await inspectPdf((await new DocumentStore(directory).read(documentId))!.bytes)).pages[0]).toContain(CUSTOMER);
  });

  test('signDocument records the signature of the stored bytes', async () => {
    const form = content({ kind: 'maintenance-confirmation' });
    const { documentId, sha256: documentSha256 } = await activities.produceDocument({ documentId: `remote-${form.caseId}/confirmation`, content: form });

    const signature = await activities.signDocument({ documentId, signedBy: 'it@customer.example', signedAtMs: Date.parse('2025-03-04T08:00:00Z'), method: 'online' });
    expect(signature).toEqual({ documentId, documentSha256, signedBy: 'it@customer.example', signedAt: '2025-03-04T08:00:00.000Z', method: 'online' });
  });

  test('signDocument of an unknown document fails for good as DocumentMissing', async () => {
    const failure = await failureOf(activities.signDocument({ documentId: 'remote-C0/nothing', signedBy: 'it@customer.example', signedAtMs: 0, method: 'online' }));
    expect(failure.type).toBe(DOCUMENT_MISSING);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('remote-C0/nothing');
  });
});

test('the document folder is AFTERCARE_DOCUMENT_DIR, else documents in the data folder, else .data/documents', () => {
  expect(documentDirectoryFrom({ AFTERCARE_DOCUMENT_DIR: '/srv/aftercare/documents', AFTERCARE_DATA_DIR: '/srv/data' })).toBe('/srv/aftercare/documents');
  expect(documentDirectoryFrom({ AFTERCARE_DATA_DIR: '/srv/data' })).toBe('/srv/data/documents');
  expect(documentDirectoryFrom({})).toBe(path.resolve('.data/documents'));
});
