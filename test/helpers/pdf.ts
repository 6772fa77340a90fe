/** Reads a PDF as a viewer would: pdf.js's text of each page and page 1 rendered. */
import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * pdf.js ships as ES modules only, which jest's CommonJS runtime cannot load: it runs in a Node
 * child process and answers with each page's text and the share of dark pixels on page 1 rendered.
 */
const INSPECT_PDF = `
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocument({ data: new Uint8Array(Buffer.concat(chunks)), verbosity: 0 }).promise;
const pages = [];
for (let number = 1; number <= pdf.numPages; number += 1) {
  const { items } = await (await pdf.getPage(number)).getTextContent();
  pages.push(items.map((item) => item.str).join(''));
}
const first = await pdf.getPage(1);
const viewport = first.getViewport({ scale: 1 });
const { canvas, context } = pdf.canvasFactory.create(viewport.width, viewport.height);
await first.render({ canvas, canvasContext: context, viewport }).promise;
const { data } = context.getImageData(0, 0, viewport.width, viewport.height);
let dark = 0;
for (let index = 0; index < data.length; index += 4) if (data[index] < 128 && data[index + 1] < 128 && data[index + 2] < 128) dark += 1;
process.stdout.write(JSON.stringify({ pages, darkShareOfPage1: dark / (data.length / 4) }));
`;

export async function inspectPdf(pdf: Buffer): Promise<{ pages: string[]; darkShareOfPage1: number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', INSPECT_PDF], { cwd: path.resolve(__dirname, '../..'), stdio: ['pipe', 'pipe', 'pipe'] });
  const output: Buffer[] = [];
  const errors: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
  child.stdin.end(pdf);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`pdf.js could not read the PDF: ${Buffer.concat(errors).toString('utf8')}`);
  return JSON.parse(Buffer.concat(output).toString('utf8')) as { pages: string[]; darkShareOfPage1: number };
}
