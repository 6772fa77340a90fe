/**
 * The documents of remote maintenance and on-site visits (远程维护报告, 《客户故障维护确认书》,
 * 《客服维护工作单》 with its 用户联, 《工程材料增补单》) as PDFs in a folder the API and the worker
 * share. Workflows pass only document ids through history (style.md); the bytes stay here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import PDFDocument from 'pdfkit';

import type { DocumentContent, DocumentKind } from '../domain/documents';
import { outboxFileName } from './notify';

/** Failure type of a document id that names no stored document. */
export const DOCUMENT_MISSING = 'DocumentMissing';
/** Failure type of a request the store can never carry out: a malformed id, a scan that is no PDF or image. */
export const INVALID_DOCUMENT = 'InvalidDocument';

export type { DocumentContent, DocumentKind, DocumentSection } from '../domain/documents';

export type SignatureMethod = 'online' | 'uploaded-scan';

export interface SignatureRecord {
  documentId: string;
  /** SHA-256 of the stored bytes when they were signed: a file changed later no longer hashes to it. */
  documentSha256: string;
  signedBy: string;
  signedAt: string;
  method: SignatureMethod;
  scanSha256?: string;
  /** The scan's file beside the document. */
  scanFileName?: string;
}

export interface DocumentRecord {
  id: string;
  caseId: string;
  kind: DocumentKind;
  title: string;
  /** The PDF's file name in the store's folder. */
  fileName: string;
  sha256: string;
  bytes: number;
  pages: number;
  createdAt: string;
  signatures: SignatureRecord[];
}

export interface NewDocument {
  id: string;
  caseId: string;
  kind: DocumentKind;
  title: string;
  pdf: Buffer;
  pages: number;
}

export interface SignRequest {
  signedBy: string;
  signedAtMs: number;
  method: SignatureMethod;
  /** The signed paper, scanned: PDF, PNG or JPEG. */
  scan?: Buffer;
}

/** Where the worker writes documents and the API reads them: AFTERCARE_DOCUMENT_DIR, else `documents` in the data folder. */
export function documentDirectoryFrom(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.AFTERCARE_DOCUMENT_DIR || path.join(env.AFTERCARE_DATA_DIR || '.data', 'documents'));
}

const TITLES: Record<DocumentKind, string> = {
  'remote-report': '远程维护报告 · Remote maintenance report',
  'maintenance-confirmation': '客户故障维护确认书 · Fault maintenance confirmation',
  'work-order': '客服维护工作单 · Service work order',
  'materials-form': '工程材料增补单 · Supplementary materials form',
};

const COPY_LABELS = { vendor: '存根联 · vendor copy', customer: '用户联 · customer copy' } as const;

/** Who signs the paper form; the remote report is only informative. */
const SIGNATURE_FIELDS: Record<DocumentKind, string[]> = {
  'remote-report': [],
  'maintenance-confirmation': ['客户签字 · Customer'],
  'work-order': ['维护工程师 · Engineer', '客户签字 · Customer'],
  'materials-form': ['维护工程师 · Engineer', '客户签字 · Customer'],
};

export function documentTitle(content: DocumentContent): string {
  return content.title ?? TITLES[content.kind];
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: INVALID_DOCUMENT, message, nonRetryable: true });
}

function missing(documentId: string): ApplicationFailure {
  return ApplicationFailure.create({ type: DOCUMENT_MISSING, message: `Document ${documentId} is not in the document store`, nonRetryable: true });
}

/** Segments of letters, digits, `.`, `_`, `-` joined by `/` (workflow id + step); no segment starts with a dot, so none is `..`. */
const DOCUMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
const MAX_DOCUMENT_ID = 150;

/** The id's file stem: `/` becomes `~`, which an id cannot hold, so two ids never share a file. */
function stemOf(documentId: string): string {
  if (typeof documentId !== 'string' || documentId.length > MAX_DOCUMENT_ID || !DOCUMENT_ID.test(documentId)) {
    throw invalid(`Invalid document id ${JSON.stringify(documentId)}: use letters, digits, ".", "_", "-" and "/" between parts, at most ${MAX_DOCUMENT_ID} characters`);
  }
  return documentId.replace(/\//g, '~');
}

/** A file stem for free text (a case id, a signer), injective as outbox file names are in their keys. */
function freeTextStem(text: string): string {
  return outboxFileName(text).replace(/\.eml$/, '');
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const SCAN_TYPES = [
  { extension: 'pdf', mediaType: 'application/pdf', magic: Buffer.from('%PDF-') },
  { extension: 'png', mediaType: 'image/png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { extension: 'jpg', mediaType: 'image/jpeg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
];

/** By the first bytes, not by a name or type the uploader claims. */
function scanTypeOf(scan: Buffer) {
  const type = SCAN_TYPES.find(({ magic }) => scan.subarray(0, magic.length).equals(magic));
  if (!type) throw invalid('The scan is neither a PDF, a PNG nor a JPEG file');
  return type;
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function namesIn(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Writes the file once and returns what it holds. Written whole to a temporary name, then linked:
 * unlike rename, link never replaces an existing file, so of two attempts racing (an activity retried
 * while the first attempt still runs) the first wins and both return its bytes.
 */
async function writeOnce(file: string, content: Buffer): Promise<Buffer> {
  const existing = await readIfExists(file);
  if (existing) return existing;
  const partial = `${file}.${process.pid}.${randomUUID()}.partial`;
  await writeFile(partial, content);
  try {
    await link(partial, file);
    return content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFile(file);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * One folder: `<stem>.pdf` and its metadata `<stem>.json` (never rewritten), signatures and scans in
 * `<stem>.signatures/`, and `cases/<case>/<stem>` so a case's documents are found without reading all.
 */
export class DocumentStore {
  constructor(readonly directory: string) {}

  private file(stem: string, extension: string): string {
    return path.join(this.directory, `${stem}.${extension}`);
  }

  private signatureFolder(stem: string): string {
    return path.join(this.directory, `${stem}.signatures`);
  }

  private caseFolder(caseId: string): string {
    return path.join(this.directory, 'cases', freeTextStem(caseId));
  }

  /** Stores the document unless its id is taken; either way returns the stored record (a retry gets the first one's). */
  async put(document: NewDocument): Promise<DocumentRecord> {
    const stem = stemOf(document.id);
    await mkdir(this.caseFolder(document.caseId), { recursive: true });
    // The PDF first: metadata, once there, always describes the bytes on disk.
    const pdf = await writeOnce(this.file(stem, 'pdf'), document.pdf);
    const metadata: Omit<DocumentRecord, 'signatures'> = {
      id: document.id,
      caseId: document.caseId,
      kind: document.kind,
      title: document.title,
      fileName: `${stem}.pdf`,
      sha256: sha256(pdf),
      bytes: pdf.length,
      pages: document.pages,
      createdAt: new Date().toISOString(),
    };
    const stored = JSON.parse((await writeOnce(this.file(stem, 'json'), Buffer.from(JSON.stringify(metadata, null, 2)))).toString('utf8')) as typeof metadata;
    if (stored.caseId !== document.caseId || stored.kind !== document.kind) {
      throw invalid(`Document ${document.id} is already a ${stored.kind} of case ${stored.caseId}; choose another id`);
    }
    await writeOnce(path.join(this.caseFolder(stored.caseId), stem), Buffer.alloc(0));
    return { ...stored, signatures: await this.signaturesOf(stem) };
  }

  /** A case's documents, oldest first. */
  async list(caseId: string): Promise<DocumentRecord[]> {
    const stems = (await namesIn(this.caseFolder(caseId))).filter((name) => !name.endsWith('.partial'));
    const records = await Promise.all(stems.map((stem) => this.recordOf(stem)));
    return records.filter((record): record is DocumentRecord => record !== null).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async read(documentId: string): Promise<{ metadata: DocumentRecord; bytes: Buffer } | null> {
    const stem = stemOf(documentId);
    const metadata = await this.recordOf(stem);
    if (!metadata) return null;
    return { metadata, bytes: await readFile(this.file(stem, 'pdf')) };
  }

  /** As read, for callers to whom an unknown id is a failure for good (a workflow's e-mail attachment). */
  async readExisting(documentId: string): Promise<{ metadata: DocumentRecord; bytes: Buffer }> {
    const document = await this.read(documentId);
    if (!document) throw missing(documentId);
    return document;
  }

  /** Records who signed the document as it is stored now; the same signer again gets the first record back. */
  async sign(documentId: string, request: SignRequest): Promise<SignatureRecord> {
    const { bytes } = await this.readExisting(documentId);
    const stem = stemOf(documentId);
    const signer = freeTextStem(request.signedBy);
    const signatureFile = path.join(this.signatureFolder(stem), `${signer}.json`);
    const existing = await readIfExists(signatureFile);
    if (existing) return JSON.parse(existing.toString('utf8')) as SignatureRecord;

    if (request.method === 'online' && request.scan) throw invalid('An online signature comes without a scan; send the scan with method "uploaded-scan"');
    if (request.method === 'uploaded-scan' && !request.scan) throw invalid(`Signing ${documentId} by uploaded scan needs the scan`);
    const signedAt = new Date(request.signedAtMs);
    if (!request.signedBy || Number.isNaN(signedAt.getTime())) throw invalid('A signature needs a signer and a valid instant');

    await mkdir(this.signatureFolder(stem), { recursive: true });
    let scan: Pick<SignatureRecord, 'scanSha256' | 'scanFileName'> = {};
    if (request.scan) {
      const scanFileName = `${signer}.scan.${scanTypeOf(request.scan).extension}`;
      const storedScan = await writeOnce(path.join(this.signatureFolder(stem), scanFileName), request.scan);
      scan = { scanSha256: sha256(storedScan), scanFileName: `${stem}.signatures/${scanFileName}` };
    }
    const record: SignatureRecord = {
      documentId,
      documentSha256: sha256(bytes),
      signedBy: request.signedBy,
      signedAt: signedAt.toISOString(),
      method: request.method,
      ...scan,
    };
    return JSON.parse((await writeOnce(signatureFile, Buffer.from(JSON.stringify(record, null, 2)))).toString('utf8')) as SignatureRecord;
  }

  /** The scan a signer uploaded, with its media type as sniffed; null when there is none. */
  async readScan(documentId: string, signedBy: string): Promise<{ bytes: Buffer; mediaType: string } | null> {
    const signature = (await this.read(documentId))?.metadata.signatures.find((candidate) => candidate.signedBy === signedBy);
    if (!signature?.scanFileName) return null;
    const bytes = await readFile(path.join(this.directory, signature.scanFileName));
    return { bytes, mediaType: scanTypeOf(bytes).mediaType };
  }

  private async recordOf(stem: string): Promise<DocumentRecord | null> {
    const metadata = await readIfExists(this.file(stem, 'json'));
    if (!metadata) return null;
    return { ...(JSON.parse(metadata.toString('utf8')) as Omit<DocumentRecord, 'signatures'>), signatures: await this.signaturesOf(stem) };
  }

  private async signaturesOf(stem: string): Promise<SignatureRecord[]> {
    const folder = this.signatureFolder(stem);
    const names = (await namesIn(folder)).filter((name) => name.endsWith('.json'));
    const signatures = await Promise.all(names.map(async (name) => JSON.parse(await readFile(path.join(folder, name), 'utf8')) as SignatureRecord));
    return signatures.sort((a, b) => a.signedAt.localeCompare(b.signedAt) || a.signedBy.localeCompare(b.signedBy));
  }
}

/**
 * Noto Sans CJK (Simplified Chinese, OFL), as OpenType files from npm, so a fresh machine needs no
 * system font. pdfkit embeds only the glyphs a document uses.
 */
function fontFile(weight: 'Regular' | 'Bold'): string {
  return path.join(path.dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts', `NotoSansHans-${weight}.otf`);
}

/** Chosen by path, pdfkit's cache key: the default font and the regular one are then one embedded font. */
const FONTS = { regular: fontFile('Regular'), bold: fontFile('Bold') };

const PAGE = { size: 'A4', margin: 56 } as const;
const LABEL_WIDTH = 150;
const CELL_PADDING = 5;
const INK = '#1a1a1a';
const MUTED = '#5f6368';
const RULE = '#c8ccd0';

export async function renderDocumentPdf(content: DocumentContent): Promise<Buffer> {
  return (await renderDocument(content)).pdf;
}

/** The PDF and its page count (kept with the metadata). */
export function renderDocument(content: DocumentContent): Promise<{ pdf: Buffer; pages: number }> {
  const title = documentTitle(content);
  const doc = new PDFDocument({
    ...PAGE,
    font: FONTS.regular,
    bufferPages: true,
    lang: 'zh-CN',
    displayTitle: true,
    info: { Title: title, Subject: `Case ${content.caseId}`, Author: 'Aftercare', Creator: 'Aftercare' },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const ensureRoom = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };

  doc.font(FONTS.bold).fontSize(18).fillColor(INK).text(title, left, doc.y, { width });
  if (content.copy) doc.font(FONTS.regular).fontSize(11).fillColor(MUTED).text(COPY_LABELS[content.copy], { width, align: 'right' });
  doc.moveDown(0.5);

  const row = (label: string, value: string) => {
    doc.fontSize(10);
    const valueWidth = width - LABEL_WIDTH - CELL_PADDING * 2;
    const height = Math.max(doc.font(FONTS.regular).heightOfString(label, { width: LABEL_WIDTH - CELL_PADDING }), doc.heightOfString(value || ' ', { width: valueWidth })) + CELL_PADDING * 2;
    ensureRoom(height);
    const top = doc.y;
    doc.fillColor(MUTED).text(label, left + CELL_PADDING, top + CELL_PADDING, { width: LABEL_WIDTH - CELL_PADDING });
    doc.fillColor(INK).text(value, left + LABEL_WIDTH + CELL_PADDING, top + CELL_PADDING, { width: valueWidth });
    doc
      .moveTo(left, top + height)
      .lineTo(left + width, top + height)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    doc.x = left;
    doc.y = top + height;
  };
  const heading = (text: string) => {
    doc.font(FONTS.bold).fontSize(12);
    ensureRoom(doc.heightOfString(text, { width }) + 40);
    doc.moveDown(0.8).fillColor(INK).text(text, left, doc.y, { width });
    doc.moveDown(0.2);
  };

  row('案件编号 · Case', content.caseId);
  row('客户 · Customer', content.customerName);
  for (const section of content.sections) {
    heading(section.heading);
    for (const [label, value] of section.rows) row(label, value);
  }

  const signers = SIGNATURE_FIELDS[content.kind];
  if (signers.length > 0) {
    heading('签字确认 · Signatures');
    const boxWidth = (width - 20 * (signers.length - 1)) / signers.length;
    ensureRoom(90);
    const top = doc.y + 6;
    signers.forEach((signer, index) => {
      const x = left + index * (boxWidth + 20);
      doc.rect(x, top, boxWidth, 80).lineWidth(0.5).strokeColor(RULE).stroke();
      doc
        .font(FONTS.regular)
        .fontSize(10)
        .fillColor(MUTED)
        .text(signer, x + 8, top + 8, { width: boxWidth - 16 });
      doc.text('日期 · Date', x + 8, top + 60, { width: boxWidth - 16 });
    });
    doc.x = left;
    doc.y = top + 80;
  }

  const { count } = doc.bufferedPageRange();
  for (let index = 0; index < count; index += 1) {
    doc.switchToPage(index);
    // Text below the bottom margin would start a new page; the footer sits there on purpose.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const footer = `${content.caseId} · 第 ${index + 1} / ${count} 页 · page ${index + 1} of ${count}`;
    doc
      .font(FONTS.regular)
      .fontSize(8)
      .fillColor(MUTED)
      .text(footer, left, doc.page.height - margin / 2 - 4, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return finished.then((pdf) => ({ pdf, pages: count }));
}

export interface DocumentDeps {
  store: DocumentStore;
}

export function createDocumentActivities({ store }: DocumentDeps) {
  return {
    /** Idempotent per id (workflow id + step): a retry returns the stored document, not a new rendering. */
    async produceDocument(input: { documentId: string; content: DocumentContent }): Promise<{ documentId: string; sha256: string; bytes: number; pages: number }> {
      const existing = await store.read(input.documentId);
      let record = existing?.metadata;
      if (!record) {
        const { pdf, pages } = await renderDocument(input.content);
        record = await store.put({ id: input.documentId, caseId: input.content.caseId, kind: input.content.kind, title: documentTitle(input.content), pdf, pages });
      }
      return { documentId: record.id, sha256: record.sha256, bytes: record.bytes, pages: record.pages };
    },

    async signDocument(input: { documentId: string; signedBy: string; signedAtMs: number; method: SignatureMethod }): Promise<SignatureRecord> {
      return store.sign(input.documentId, { signedBy: input.signedBy, signedAtMs: input.signedAtMs, method: input.method });
    },
  };
}
