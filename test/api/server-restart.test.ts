/**
 * Temporal stopped and started again on the same SQLite file (the dev server as `npm start` runs
 * it): every case is still there, and a window that fell due while the server was down is recorded
 * as breached at its own due instant once the server and a worker are back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { caseDueIn, caseRequestBody, uniqueId } from '../helpers/fixtures';
import { createDevServerEnv, startWorker } from '../helpers/environments';
import { request, startApi } from '../helpers/http';

test('a server restart on the same database keeps every case, and a window due during the outage is breached at its due instant', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aftercare-restart-'));
  const database = path.join(dir, 'temporal.db');
  const outbox = path.join(dir, 'outbox');
  const audit = path.join(dir, 'audit');
  const taskQueue = uniqueId('restart-tq');

  const first = await startWorker(await createDevServerEnv({ dbFilename: database }), taskQueue, outbox, audit);
  const firstApi = await startApi(first.env.client, taskQueue, { auditDirectory: audit });
  // Preset 000 level 1: a 30-minute response window, 24×7; reported so that it falls due in 15 s.
  const dueSoon = caseDueIn(15_000);
  const longLived = caseRequestBody({ severity: '3' });
  let dueAt: string;
  try {
    const opened = await request(firstApi, 'POST', '/cases', dueSoon);
    expect(opened.status).toBe(201);
    dueAt = opened.body.windows.find((window: { name: string }) => window.name === 'response').dueAt;
    expect((await request(firstApi, 'POST', '/cases', longLived)).status).toBe(201);
  } finally {
    await firstApi.close();
    await first.stop();
  }
  // The server and the worker stay down past the due instant.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(dueAt) - Date.now()) + 3_000));

  const second = await startWorker(await createDevServerEnv({ dbFilename: database }), taskQueue, outbox, audit);
  const secondApi = await startApi(second.env.client, taskQueue, { auditDirectory: audit });
  try {
    const deadline = Date.now() + 30_000;
    let breached = (await request(secondApi, 'GET', `/cases/${dueSoon.caseId}`)).body;
    while (breached.breaches.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      breached = (await request(secondApi, 'GET', `/cases/${dueSoon.caseId}`)).body;
    }
    expect(breached.breaches).toEqual([expect.objectContaining({ window: 'response', dueAt })]);
    const kept = await request(secondApi, 'GET', `/cases/${longLived.caseId}`);
    expect(kept.status).toBe(200);
    expect(kept.body.windows.find((window: { name: string }) => window.name === 'response')).toMatchObject({ status: 'running' });
  } finally {
    await secondApi.close();
    await second.stop();
  }
}, 180_000);
