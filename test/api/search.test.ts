/**
 * GET /cases over real HTTP on the dev server's visibility store: filters, pages through tokens,
 * a customer narrowed to its own cases, and hostile filter values that never become query text.
 */
import { PageTokens, executionPage, visibilityQuery } from '../../api/visibility';
import { CUSTOMER_ID, PRODUCT } from '../../workflows/search-attributes';
import { caseDueIn, caseRequestBody, uniqueId } from '../helpers/fixtures';
import { useApiStack } from '../helpers/http';
import { until } from '../helpers/until';

const stack = useApiStack('search');
const { post, get } = stack;

const customerX = uniqueId('cust-x');
const customerY = uniqueId('cust-y');
const contact = (id: string) => ({ id, name: `${id} Ltd`, email: `it@${id}.example` });
// Reported two hours ago at level 1: the 30-minute response window is breached at once.
const breachedCase = caseDueIn(-90 * 60_000, { customer: contact(customerX) });
const runningCase = caseRequestBody({ customer: contact(customerX), severity: '2' });
const otherCustomersCase = caseRequestBody({ customer: contact(customerY), severity: '2' });

interface Summary {
  caseId: string;
  product: string;
  customerId: string;
  status: string;
  breached: boolean;
  nextDueAt: string | null;
}

const idsOf = (body: { cases: Summary[] }) => body.cases.map((found) => found.caseId).sort();

beforeAll(async () => {
  for (const body of [breachedCase, runningCase, otherCustomersCase]) expect((await post('/cases', body)).status).toBe(201);
  // Visibility follows the cases' search attributes a moment later.
  await until('the breach to be searchable', async () => ((await get(`/cases?customer=${customerX}&breached=true`)).body.cases.length === 1 ? true : undefined), 20_000);
});

test('filters by customer, product, breach, status and due instant answer the matching cases with their search attributes', async () => {
  const all = await get(`/cases?customer=${customerX}`);
  expect(all.status).toBe(200);
  expect(idsOf(all.body)).toEqual([breachedCase.caseId, runningCase.caseId].sort());
  expect(all.body.nextPage).toBeNull();

  const breached = await get(`/cases?customer=${customerX}&product=hotline&breached=true`);
  expect(breached.body.cases).toEqual([
    expect.objectContaining({ caseId: breachedCase.caseId, product: 'hotline', customerId: customerX, breached: true, severity: '1', openedAt: expect.any(String), endedAt: null }),
  ]);
  expect(idsOf((await get(`/cases?customer=${customerX}&breached=false`)).body)).toEqual([runningCase.caseId]);
  expect(idsOf((await get(`/cases?customer=${customerX}&status=open`)).body)).toEqual([breachedCase.caseId, runningCase.caseId].sort());
  expect((await get(`/cases?customer=${customerX}&status=closed`)).body.cases).toEqual([]);
  expect((await get(`/cases?customer=${customerX}&product=remote`)).body.cases).toEqual([]);

  const running = all.body.cases.find((found: Summary) => found.caseId === runningCase.caseId) as Summary;
  expect(running.nextDueAt).toEqual(expect.any(String));
  const justAfter = new Date(Date.parse(running.nextDueAt as string) + 1_000).toISOString();
  const justBefore = new Date(Date.parse(running.nextDueAt as string) - 1_000).toISOString();
  expect(idsOf((await get(`/cases?customer=${customerX}&dueBefore=${encodeURIComponent(justAfter)}`)).body)).toContain(runningCase.caseId);
  expect(idsOf((await get(`/cases?customer=${customerX}&dueBefore=${encodeURIComponent(justBefore)}`)).body)).not.toContain(runningCase.caseId);
});

test('pages: each answer holds at most `limit` cases and a token for the next, which lists the rest exactly once', async () => {
  const first = await get(`/cases?customer=${customerX}&limit=1`);
  expect(first.body.cases).toHaveLength(1);
  expect(first.body.nextPage).toMatch(/^[A-Za-z0-9_-]+$/);
  const second = await get(`/cases?customer=${customerX}&limit=1&page=${first.body.nextPage}`);
  expect(second.body.cases).toHaveLength(1);
  const seen = [...idsOf(first.body), ...idsOf(second.body)].sort();
  expect(seen).toEqual([breachedCase.caseId, runningCase.caseId].sort());
  if (second.body.nextPage !== null) {
    expect((await get(`/cases?customer=${customerX}&limit=1&page=${second.body.nextPage}`)).body).toEqual({ cases: [], nextPage: null });
  }
  const forged = await get(`/cases?customer=${customerX}&page=${Buffer.from('not a token').toString('base64url')}`);
  expect(forged.status).toBe(400);
  expect(forged.body.error).toBe('invalid_page');
  // A position in one search is no position in another.
  const carried = await get(`/cases?customer=${customerY}&limit=1&page=${first.body.nextPage}`);
  expect(carried.status).toBe(400);
  expect(carried.body.error).toBe('invalid_page');
});

test("a customer's search holds only its own cases; naming another customer answers 404", async () => {
  const own = await get('/cases', { as: { customer: customerX } });
  expect(idsOf(own.body)).toEqual([breachedCase.caseId, runningCase.caseId].sort());
  expect(idsOf((await get('/cases?breached=true', { as: { customer: customerX } })).body)).toEqual([breachedCase.caseId]);
  const another = await get(`/cases?customer=${customerY}`, { as: { customer: customerX } });
  expect(another.status).toBe(404);
  expect(another.body.error).toBe('not_found');
  expect(idsOf((await get('/cases', { as: { customer: customerY } })).body)).toEqual([otherCustomersCase.caseId]);
  // Staff see every customer's.
  expect(idsOf((await get(`/cases?customer=${customerY}`, { as: 'ops' })).body)).toEqual([otherCustomersCase.caseId]);
});

const HOSTILE = [`${customerX}' OR CustomerId != '`, `x" OR Product = "contract`, `\\`, `a\\' OR 1=1 --`, `' OR '1'='1`, 'x'.repeat(10_000), `${customerX})`];

test('hostile filter values are refused with the zod issue naming the filter, never run as query text', async () => {
  for (const value of HOSTILE) {
    for (const filter of ['customer', 'status', 'product', 'breached', 'dueBefore', 'page']) {
      const answer = await get(`/cases?${filter}=${encodeURIComponent(value)}`);
      expect({ filter, value: value.slice(0, 40), status: answer.status }).toEqual({ filter, value: value.slice(0, 40), status: 400 });
      expect(answer.body.issues).toEqual([expect.objectContaining({ path: [filter] })]);
    }
  }
  // A valid identifier that is also a keyword of the query language is only a value.
  expect((await get('/cases?customer=OR')).body).toEqual({ cases: [], nextPage: null });
  const unknown = await get(`/cases?query=${encodeURIComponent('CustomerId != ""')}`);
  expect(unknown.status).toBe(400);
  expect((await get(`/cases?customer=${customerX}&customer=${customerY}`)).status).toBe(400);
});

test('a value with quotes, backslashes and OR is one literal to the server: it matches at most the execution that holds it', async () => {
  const { client } = stack.worker.env;
  const tokens = new PageTokens();
  // Started on a queue no worker polls: only their search attributes matter here.
  const idle = uniqueId('nobody-polls');
  const quoted = [`${customerX}' OR CustomerId != 'x`, `x' OR '1'='1`, `it's`, `a OR b`];
  // The dev server's SQLite store cannot match these at all (visibility.ts); they must still match nothing else.
  const unmatchable = [`a\\' OR 1=1 --`, `back\\slash`, `"double" OR x`, `tail\\`, `' OR '1'='1`, `${customerX}' OR CustomerId != '`];
  const values = [...quoted, ...unmatchable];
  const started = await Promise.all(
    values.map((value) =>
      client.workflow.start('hotline', {
        taskQueue: idle,
        workflowId: uniqueId('hostile'),
        args: [],
        typedSearchAttributes: [
          { key: PRODUCT, value: 'hotline' },
          { key: CUSTOMER_ID, value },
        ],
      }),
    ),
  );
  const matches = async (value: string) => (await executionPage(client, tokens, [{ attribute: CUSTOMER_ID, operator: '=', value }], 100)).executions.map((execution) => execution.workflowId);
  try {
    for (const [index, value] of quoted.entries()) {
      const found = await until(`the execution holding ${value}`, async () => ((await matches(value)).length > 0 ? matches(value) : undefined), 10_000);
      expect({ value, found }).toEqual({ value, found: [started[index].workflowId] });
    }
    for (const [index, value] of unmatchable.entries()) {
      const found = await matches(value);
      expect(found.filter((workflowId) => workflowId !== started[quoted.length + index].workflowId)).toEqual([]);
    }
    expect(visibilityQuery([{ attribute: CUSTOMER_ID, operator: '=', value: `a\\'b` }])).toBe(`CustomerId = 'a\\\\\\'b' AND ExecutionStatus != 'ContinuedAsNew'`);
  } finally {
    await Promise.all(started.map((handle) => handle.terminate('test over')));
  }
});
