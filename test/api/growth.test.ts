/**
 * A case stays bounded whatever the number of valid actions: 2,000 pauses and resumes with long
 * reasons (past Temporal's 2,000 updates per run) keep it running — it continues as new, carries
 * its idempotency keys and archives its older audit — over real HTTP on the dev server.
 */
import { AUDIT_KEPT } from '../../domain/case/record';
import { caseRequestBody, uniqueId } from '../helpers/fixtures';
import { useApiStack } from '../helpers/http';

const stack = useApiStack('growth');
const { post, get } = stack;

const ACTIONS = 2_000;
/** Long reasons (the schema allows 5,000 characters) make the state grow fast if it were kept whole. */
const REASON = 'Waiting for the customer to send the server logs of the nightly export. '.repeat(50).slice(0, 3_000);

async function runsOf(workflowId: string): Promise<number> {
  let count = 0;
  for await (const _ of stack.worker.env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) count++;
  return count;
}

test(`${ACTIONS} valid actions into one case: it continues as new, keeps its keys and its whole history, and still runs`, async () => {
  const body = caseRequestBody({ severity: '3' });
  const workflowId = `hotline-${body.caseId}`;
  expect((await post('/cases', body)).status).toBe(201);
  const action = (index: number) =>
    index % 2 === 0
      ? post(`/cases/${body.caseId}/pause`, { reason: `${index}: ${REASON}` }, { 'Idempotency-Key': `growth-${index}` })
      : post(`/cases/${body.caseId}/resume`, { note: `${index}` }, { 'Idempotency-Key': `growth-${index}` });

  const handle = stack.worker.env.client.workflow.getHandle(workflowId);
  const firstRunId = (await handle.describe()).runId;
  let repeatChecked = false;
  for (let index = 0; index < ACTIONS; index += 1) {
    const answer = await action(index);
    if (answer.status !== 200) throw new Error(`action ${index}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    // Right after the case continued as new, a retry of a pause the run before took (index - 3:
    // the run was still the first one after index - 2) is answered, not applied: the case stays resumed.
    if (!repeatChecked && index % 2 === 1 && (await handle.describe()).runId !== firstRunId) {
      const before = (await get(`/cases/${body.caseId}/history?from=0&limit=1`)).body.total;
      const repeat = await action(index - 3);
      expect(repeat.status).toBe(200);
      expect(repeat.body.paused).toBe(false);
      expect((await get(`/cases/${body.caseId}/history?from=0&limit=1`)).body.total).toBe(before);
      repeatChecked = true;
    }
  }
  expect(repeatChecked).toBe(true);

  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(await runsOf(workflowId)).toBeGreaterThan(1);

  // Its response window still runs on a pending timer.
  const view = (await get(`/cases/${body.caseId}`)).body;
  expect(view.paused).toBe(false);
  expect(view.windows.find((window: { name: string }) => window.name === 'response')).toMatchObject({ status: 'running' });
  const events = (await handle.fetchHistory()).events ?? [];
  const started = events.filter((event) => event.timerStartedEventAttributes).length;
  const ended = events.filter((event) => event.timerFiredEventAttributes || event.timerCanceledEventAttributes).length;
  expect(started).toBeGreaterThan(ended);

  // The state holds the newest entries only; the history route has every one, in order.
  expect(view.history.length).toBeLessThanOrEqual(AUDIT_KEPT * 1.5);
  expect(view.historyArchived).toBeGreaterThan(0);
  const entries: { sequence: number; type: string; details: string | null }[] = [];
  for (let from: number | null = 0; from !== null;) {
    const page: { entries: typeof entries; next: number | null } = (await get(`/cases/${body.caseId}/history?from=${from}&limit=1000`)).body;
    entries.push(...page.entries);
    from = page.next;
  }
  expect(entries.map((entry) => entry.sequence)).toEqual(entries.map((_, index) => index));
  const pauses = entries.filter((entry) => entry.type === 'paused');
  expect(pauses).toHaveLength(ACTIONS / 2);
  expect(pauses.map((entry) => Number(entry.details!.split(':')[0]))).toEqual(Array.from({ length: ACTIONS / 2 }, (_, index) => 2 * index));
}, 600_000);

test('twenty-five amendments with a large policy: the contract keeps running, its reminders scheduled, and every amendment readable', async () => {
  const dates = Array.from({ length: 3_000 }, (_, index) => new Date(Date.UTC(2031, 0, 1) + index * 2 * 86_400_000).toISOString().slice(0, 10));
  const policy = (variant: number) => ({
    id: `large-${variant}`,
    name: `Large policy, variant ${variant}`,
    clockStart: { kind: 'reported' },
    escalationTiers: ['Tier 1', 'Tier 2'],
    reclassification: 'default',
    defects: 'in-period',
    levels: [{ id: 'P1', label: 'P1', windows: [{ name: 'response', label: 'Response', maxMinutes: 60 + variant, calendar: 'all-week', metBy: 'response' }] }],
    calendars: {
      'all-week': { timeZone: 'Asia/Shanghai', weekly: Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((day) => [day, [['00:00', '24:00']]])), holidays: dates },
    },
  });
  const contractId = uniqueId('large-contract');
  const created = await post('/contracts', {
    contractId,
    customer: { id: uniqueId('cust'), name: 'Acme Ltd', email: 'it@acme.example' },
    servicePeriods: [{ kind: 'paid', start: '2026-01-01', end: '2030-12-31' }],
    policy: { custom: policy(0) },
  });
  expect(created.status).toBe(201);
  const AMENDMENTS = 25;
  for (let index = 1; index <= AMENDMENTS; index += 1) {
    const amended = await post(`/contracts/${contractId}/amendments`, { reason: `Policy revision ${index}`, changes: { policy: { custom: policy(index) } } });
    if (amended.status !== 200) throw new Error(`amendment ${index}: ${amended.status} ${JSON.stringify(amended.body).slice(0, 300)}`);
  }
  const contract = (await get(`/contracts/${contractId}`)).body;
  expect(contract.version).toBe(AMENDMENTS + 1);
  expect(contract.amendmentsArchived).toBeGreaterThan(0);
  expect(contract.amendments.length + contract.amendmentsArchived).toBe(AMENDMENTS);
  expect(contract.reminders.map((reminder: { status: string }) => reminder.status)).toEqual(['scheduled', 'scheduled']);
  expect((await stack.worker.env.client.workflow.getHandle(`contract-${contractId}`).describe()).status.name).toBe('RUNNING');

  const all = (await get(`/contracts/${contractId}/amendments`)).body.amendments;
  expect(all.map((amendment: { version: number }) => amendment.version)).toEqual(Array.from({ length: AMENDMENTS }, (_, index) => index + 2));
  expect(all.map((amendment: { reason: string }) => amendment.reason)).toEqual(Array.from({ length: AMENDMENTS }, (_, index) => `Policy revision ${index + 1}`));
  // A case under it still opens with the latest policy.
  const opened = await post('/cases', { caseId: uniqueId('large-case'), contractId, severity: 'P1', problem: caseRequestBody().problem });
  expect(opened.status).toBe(201);
  expect(opened.body.policy.id).toBe(`large-${AMENDMENTS}`);
}, 300_000);
