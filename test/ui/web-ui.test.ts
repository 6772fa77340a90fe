/**
 * What ops see, in a real browser (Debian's chromium through playwright-core): the Temporal Web UI
 * as `npm start` serves it (its own UI server, write actions off, scripts/ui-server-config.sh) in
 * front of a dev server, a worker and the API; and the API's docs page. The screenshots shown in
 * the README are made here: AFTERCARE_SCREENSHOTS_DIR=docs/screenshots writes them there (a test
 * run otherwise keeps them in a temporary folder, leaving the committed ones alone).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { type RunningWorker, createDevServerEnv, startWorker } from '../helpers/environments';
import { caseDueIn, caseRequestBody, uniqueId } from '../helpers/fixtures';
import { type RunningApi, request, startApi } from '../helpers/http';
import { until } from '../helpers/until';
import { type RunningWebUi, startWebUi } from '../helpers/web-ui';

const SCREENSHOTS = path.resolve(process.env.AFTERCARE_SCREENSHOTS_DIR ?? mkdtempSync(path.join(tmpdir(), 'aftercare-screenshots-')));
const BREACHED_HOTLINE_CASES = 'Product="hotline" AND Breached=true';
jest.setTimeout(120_000);

let worker: RunningWorker;
let api: RunningApi;
let ui: RunningWebUi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  worker = await startWorker(await createDevServerEnv(), uniqueId('ui-tq'), mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-')));
  api = await startApi(worker.env.client, worker.taskQueue, { auditDirectory: worker.auditDirectory });
  ui = await startWebUi(worker.env.address);
  browser = await launchBrowser();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
});

afterEach(async () => {
  await page?.close();
});

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
  await api?.close();
  await worker?.stop();
});

async function openCase(body: Record<string, unknown>): Promise<string> {
  const response = await request(api, 'POST', '/cases', body);
  expect(response.status).toBe(201);
  return `hotline-${response.body.caseId}`;
}

async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of worker.env.client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

/** The rendered markdown under a heading of the User Metadata tab (the UI renders it in an iframe). */
function markdownUnder(heading: string) {
  return page.locator(`xpath=//h3[normalize-space()="${heading}"]/ancestor::div[.//iframe][1]//iframe`).first().contentFrame();
}

test('ops find breached hotline cases by Product and Breached, read a case’s summary and current details, and have no write actions', async () => {
  // Reported so that its 30-minute response window falls due a moment after intake.
  const breachedCase = caseDueIn(1_500, { caseId: uniqueId('ui-breached') });
  const breached = await openCase(breachedCase);
  const calm = await openCase(caseRequestBody({ caseId: uniqueId('ui-calm') }));
  const breach = await until(
    'the response window to be breached',
    async () => (await request(api, 'GET', `/cases/${breachedCase.caseId}`)).body.breaches[0] as { window: string; dueAt: string } | undefined,
    30_000,
    200,
  );
  // The UI reads visibility: wait until it has indexed both cases, the breach included.
  await until('visibility to index the breach', async () => ((await listed(BREACHED_HOTLINE_CASES)).includes(breached) ? true : undefined), 30_000, 200);
  await until('visibility to index the calm case', async () => ((await listed('Product="hotline"')).includes(calm) ? true : undefined), 30_000, 200);

  const caseLink = (workflowId: string) => page.getByRole('link', { name: workflowId, exact: true });
  await page.goto(`${ui.url}/namespaces/default/workflows?query=${encodeURIComponent('Product="hotline"')}`);
  await caseLink(breached).waitFor();
  await caseLink(calm).waitFor();
  // The query as ops type it into the list's query box.
  await page.getByTestId('toggle-manual-query').click();
  const queryBox = page.locator('input#query');
  await queryBox.fill(BREACHED_HOTLINE_CASES);
  await queryBox.press('Enter');
  await caseLink(calm).waitFor({ state: 'detached' });
  await caseLink(breached).waitFor();
  expect(new URL(page.url()).searchParams.get('query')).toBe(BREACHED_HOTLINE_CASES);
  // Write actions off: no starting workflows and no batch selection (terminate/cancel many).
  expect(await page.getByRole('button', { name: 'Start Workflow' }).count()).toBe(0);
  expect(await page.getByRole('checkbox').count()).toBe(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'ui-breached-hotline-cases.png') });

  await caseLink(breached).click();
  await page.waitForURL(/\/history$/);
  expect(page.url()).toContain(`/workflows/${breached}/`);
  // Every timer is named after the window it enforces, with its due instant.
  await page.getByText(`Response window, level 1, due ${breach.dueAt}`).first().waitFor();
  for (const name of ['Request Cancellation', 'More Actions']) {
    const buttons = page.getByRole('button', { name, exact: true });
    expect(await buttons.count()).toBeGreaterThan(0);
    for (const button of await buttons.all()) expect(await button.isDisabled()).toBe(true);
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, 'ui-case-summary.png') });

  await page.getByRole('tab', { name: 'User Metadata' }).click();
  await page.waitForURL(/\/user-metadata$/);
  await markdownUnder('Summary').getByText(`Hotline case ${breachedCase.caseId} · Acme Ltd · 000 severity 1`).waitFor();
  await markdownUnder('Details').getByText('Nightly export stops at 3%').waitFor();
  const details = markdownUnder('Current Details');
  await details.getByText('open').first().waitFor();
  // The same window and instant as the API's view of the case.
  expect(await details.locator('tr', { hasText: 'Response' }).innerText()).toMatch(new RegExp(`Response\\s+1\\s+${breach.dueAt.replace(/\+/g, '\\+')}\\s+breached`));
  expect(breach.window).toBe('response');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'ui-case-details.png') });
});

test('the API’s docs page shows every operation of its OpenAPI document', async () => {
  const document = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).filter((key) => key !== 'parameters').length, 0);
  await page.goto(`${api.baseUrl}/docs`);
  await page.locator('.opblock-post .opblock-summary-path[data-path="/cases"]').waitFor();
  expect(await page.locator('.opblock').count()).toBe(operations);
  expect(await page.locator('.opblock-summary-method', { hasText: 'POST' }).count()).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'api-docs.png') });
});
