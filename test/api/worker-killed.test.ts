/**
 * A worker killed with SIGKILL (the worker process as `npm start` runs it) while cases fall due and
 * an e-mail is mid-conversation with the mail server: a new worker resumes every case, each breach
 * is recorded with its own due instant, the outbox holds each notice once, and the mail server sees
 * the same Message-ID on every attempt and accepts the message once.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { outboxKeyOf } from '../../activities/notify';
import { createDevServerEnv } from '../helpers/environments';
import { caseDueIn, uniqueId } from '../helpers/fixtures';
import { type JsonResponse, type RunningApi, request, startApi } from '../helpers/http';
import { parseRaw, startSmtpSink } from '../helpers/smtp-sink';
import { until } from '../helpers/until';
import { killHard, spawnWorker } from '../helpers/worker-process';

const ROOT = path.resolve(__dirname, '../..');
jest.setTimeout(240_000);

let env: TestWorkflowEnvironment;
const auditDirectory = mkdtempSync(path.join(tmpdir(), 'aftercare-killed-audit-'));
const workers: ChildProcess[] = [];

beforeAll(async () => {
  env = await createDevServerEnv();
});

afterAll(async () => {
  await Promise.all(workers.map(killHard));
  await env?.teardown();
});

async function startWorker(taskQueue: string, mail: Record<string, string>): Promise<ChildProcess> {
  const { child } = await spawnWorker(env.address, { ...mail, AFTERCARE_TASK_QUEUE: taskQueue, AFTERCARE_AUDIT_DIR: auditDirectory });
  workers.push(child);
  return child;
}

/** A case falling due `dueInMs` from now whose breach is e-mailed to the desk. */
const noticedCaseDueIn = (dueInMs: number) => caseDueIn(dueInMs, { notices: { noticeRecipients: ['desk@vendor.example'] } });

async function viewOf(api: RunningApi, caseId: string): Promise<JsonResponse['body']> {
  const response = await request(api, 'GET', `/cases/${caseId}`);
  expect(response.status).toBe(200);
  return response.body;
}

function sentDetails(view: { history: { type: string; details?: string }[] }): string[] {
  return view.history.filter((entry) => entry.type === 'email-sent').map((entry) => entry.details ?? '');
}

test('cases falling due around a killed worker are resumed by the next one: every breach at its own due instant, each notice in the outbox once', async () => {
  const taskQueue = uniqueId('killed-outbox-tq');
  const outbox = mkdtempSync(path.join(tmpdir(), 'aftercare-killed-outbox-'));
  const api = await startApi(env.client, taskQueue, { auditDirectory });
  try {
    const first = await startWorker(taskQueue, { AFTERCARE_OUTBOX_DIR: outbox });
    // Eight cases falling due one a second from 4 s on: the first worker records some breaches,
    // the rest fall due while no worker runs.
    const bodies = Array.from({ length: 8 }, (_, index) => noticedCaseDueIn(4_000 + index * 1_000));
    const dueAt = new Map<string, string>();
    for (const body of bodies) {
      const opened = await request(api, 'POST', '/cases', body);
      expect(opened.status).toBe(201);
      dueAt.set(body.caseId, opened.body.windows.find((window: { name: string }) => window.name === 'response').dueAt);
    }
    await sleep(Math.max(0, Date.parse(dueAt.get(bodies[2].caseId)!) - Date.now()) + 500);
    await killHard(first);
    await sleep(2_000);
    await startWorker(taskQueue, { AFTERCARE_OUTBOX_DIR: outbox });

    const views = await until(
      'every case breached and its e-mails sent',
      async () => {
        const all = await Promise.all(bodies.map((body) => viewOf(api, body.caseId)));
        return all.every((view) => view.breaches.length > 0 && view.pendingEmails.length === 0) ? all : undefined;
      },
      90_000,
    );
    const files = await readdir(outbox);
    for (const [index, view] of views.entries()) {
      const { caseId } = bodies[index];
      expect(view.breaches).toEqual([expect.objectContaining({ window: 'response', dueAt: dueAt.get(caseId) })]);
      expect(Date.parse(view.breaches[0].recordedAt)).toBeGreaterThanOrEqual(Date.parse(dueAt.get(caseId)!));
      // Each notice sent once: one file per recorded e-mail, no two files with the same message.
      const caseFiles = files.filter((file) => outboxKeyOf(file)?.startsWith(`hotline-${caseId}/`));
      const messages = await Promise.all(caseFiles.map(async (file) => parseRaw(await readFile(path.join(outbox, file), 'utf8')).headers));
      const sent = sentDetails(view);
      expect(new Set(sent).size).toBe(sent.length);
      expect(caseFiles).toHaveLength(sent.length);
      expect(messages.map((headers) => `${headers.get('subject')} → ${headers.get('to')}`).sort()).toEqual([...sent].sort());
      expect(sent).toEqual(expect.arrayContaining([expect.stringMatching(/breached/)]));
    }
  } finally {
    await api.close();
  }
});

test('an e-mail in flight when its worker is killed is sent again by the next worker with the same Message-ID, and accepted once', async () => {
  const taskQueue = uniqueId('killed-smtp-tq');
  // A mail server that never answers the first transfer of a message: the first worker's e-mail
  // is mid-conversation when the worker dies.
  const sink = await startSmtpSink({ stallFirstAttempt: true });
  const api = await startApi(env.client, taskQueue, { auditDirectory });
  try {
    const first = await startWorker(taskQueue, { AFTERCARE_SMTP_URL: sink.url });
    // Past the 80 % warning at once: its e-mail goes out at intake; the window itself is far off.
    const body = noticedCaseDueIn(5 * 60_000);
    expect((await request(api, 'POST', '/cases', body)).status).toBe(201);
    const messageId = await until('the warning to reach the mail server', async () => sink.attempts[0], 30_000, 100);
    await killHard(first);
    await startWorker(taskQueue, { AFTERCARE_SMTP_URL: sink.url });

    // The activity heartbeats: the dead worker is noticed in seconds, not after the start-to-close timeout.
    const view = await until(
      'the warning sent by the second worker',
      async () => {
        const current = await viewOf(api, body.caseId);
        return sentDetails(current).length > 0 ? current : undefined;
      },
      45_000,
    );
    expect(sink.attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sink.attempts)).toEqual(new Set([messageId]));
    expect(sink.received.filter((mail) => mail.headers.get('message-id') === messageId)).toHaveLength(1);
    expect(sentDetails(view)).toEqual([expect.stringMatching(/Response window \(level 1\) due.* → desk@vendor\.example$/)]);
  } finally {
    await api.close();
    await sink.close();
  }
});
