/**
 * Who may do what, over real HTTP against a real worker: every route refuses a caller without a
 * valid key (401) and a role it does not allow (403); a customer key reaches only its own
 * customer's cases and contracts (404 for another's, nothing changed); the actor on every record is
 * the authenticated principal; admins make and revoke keys, which are stored hashed only.
 */
import { readFileSync } from 'node:fs';
import { ROLES, type Role } from '../../api/access/keys';
import { ROUTE_ACCESS } from '../../api/access/policy';
import { customerPrincipal } from '../helpers/callers';
import { caseRequestBody, uniqueId } from '../helpers/fixtures';
import { type Caller, request, useApiStack } from '../helpers/http';

const stack = useApiStack('access');
const { post, get } = stack;

const customerA = uniqueId('cust-a');
const customerB = uniqueId('cust-b');
const caseA = caseRequestBody({ customer: { id: customerA, name: 'A Ltd', email: 'it@a.example' } });
const contractA = uniqueId('contract-a');

beforeAll(async () => {
  const contract = await post('/contracts', {
    contractId: contractA,
    customer: { id: customerA, name: 'A Ltd', email: 'it@a.example' },
    servicePeriods: [{ kind: 'free', start: '2026-01-01', end: '2027-12-31' }],
    policy: { preset: '001' },
  });
  expect(contract.status).toBe(201);
  expect((await post('/cases', caseA)).status).toBe(201);
});

/** A concrete path for a route pattern, naming customer A's objects. */
function pathOf(pattern: string): string {
  return pattern
    .replace(':caseId', caseA.caseId)
    .replace(':contractId', contractA)
    .replace(':customerId', customerA)
    .replace(':region', 'CN')
    .replace(':solutionNumber', '1')
    .replace(':keyId', '000000000000');
}

const routes = Object.entries(ROUTE_ACCESS).map(([key, roles]) => {
  const [method, pattern] = key.split(' ');
  return { key, method, path: pathOf(pattern), roles };
});

const callerOf = (role: Role): Caller => (role === 'customer' ? { customer: customerA } : role);

test('every route answers 401 with the common error body to a call without a key, with a forged key, or with a revoked key', async () => {
  const made = await post('/admin/api-keys', { principal: 'agent-gone', role: 'engineer' });
  expect(made.status).toBe(201);
  expect((await post(`/cases/${caseA.caseId}/respond`, {}, { authorization: `Bearer ${made.body.key}` })).status).not.toBe(401);
  expect((await request(stack.api, 'DELETE', `/admin/api-keys/${made.body.id}`)).body.revokedAt).toEqual(expect.any(String));
  for (const { key, method, path } of routes) {
    for (const authorization of [undefined, 'Bearer ac_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `Bearer ${made.body.key}`, 'Basic YWRtaW46YWRtaW4=']) {
      const answer = await request(stack.api, method, path, method === 'GET' ? undefined : {}, authorization ? { authorization } : {}, { as: null });
      expect({ key, authorization, status: answer.status }).toEqual({ key, authorization, status: 401 });
      expect(answer.body).toEqual({ error: 'unauthenticated', message: expect.any(String) });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  }
  // An unknown route too: nothing is told to a stranger.
  expect((await request(stack.api, 'GET', '/nowhere', undefined, {}, { as: null })).status).toBe(401);
});

test('every route refuses each role it does not allow with 403, before anything is read or changed', async () => {
  const before = (await get(`/cases/${caseA.caseId}`)).body.history.length;
  for (const { key, method, path, roles } of routes) {
    for (const role of ROLES.filter((candidate) => !roles.includes(candidate))) {
      const answer = await request(stack.api, method, path, method === 'GET' ? undefined : {}, {}, { as: callerOf(role) });
      expect({ key, role, status: answer.status }).toEqual({ key, role, status: 403 });
      expect(answer.body).toEqual({ error: 'forbidden', message: expect.stringContaining(role) });
    }
  }
  expect((await get(`/cases/${caseA.caseId}`)).body.history).toHaveLength(before);
});

test("a customer key walking every route against another customer's case, contract and customer id gets 404 (or 403), and nothing changes", async () => {
  const before = (await get(`/cases/${caseA.caseId}`)).body;
  const contractBefore = (await get(`/contracts/${contractA}`)).body;
  for (const { key, method, path, roles } of routes) {
    const answer = await request(stack.api, method, path, method === 'GET' ? undefined : { reason: 'not mine', speed: 5, quality: 5 }, {}, { as: { customer: customerB } });
    const namesAnObject = /:(caseId|contractId|customerId)/.test(key);
    const expected = !roles.includes('customer') ? 403 : namesAnObject ? 404 : answer.status;
    expect({ key, status: answer.status }).toEqual({ key, status: expected });
    if (expected === 404) expect(answer.body).toEqual({ error: 'not_found', message: expect.any(String) });
  }
  const after = (await get(`/cases/${caseA.caseId}`)).body;
  expect(after.history).toEqual(before.history);
  expect(after.status).toBe(before.status);
  expect((await get(`/contracts/${contractA}`)).body).toEqual(contractBefore);
});

test("the customer's own key reads its case and contract and takes the customer's actions; the record names the principal, never a body's `by`", async () => {
  const own = { as: { customer: customerA } };
  expect((await get(`/cases/${caseA.caseId}`, own)).status).toBe(200);
  expect((await get(`/contracts/${contractA}`, own)).status).toBe(200);
  expect((await get(`/customers/${customerA}/contracts`, own)).body.contracts).toHaveLength(1);

  const named = await post(`/cases/${caseA.caseId}/respond`, { by: 'someone-else' });
  expect(named.status).toBe(400);
  expect(named.body.issues).toEqual([expect.objectContaining({ path: ['by'], message: expect.stringMatching(/credentials/) })]);

  expect((await post(`/cases/${caseA.caseId}/provide-solution`, { solution: 'Rebuilt the index' })).status).toBe(200);
  const confirmed = await post(`/cases/${caseA.caseId}/confirm`, {}, {}, own);
  expect(confirmed.body.status).toBe('closed');
  const history = confirmed.body.history as { type: string; by: string }[];
  expect(history.find((entry) => entry.type === 'solution-provided')?.by).toBe('agent-li');
  expect(history.find((entry) => entry.type === 'confirmed')?.by).toBe(customerPrincipal(customerA));
  expect(confirmed.body.owner ?? history[0].by).toBe('agent-li');
});

test('admins make, list and revoke keys; a key is stored only as a salted hash; bad key requests are 400s', async () => {
  const made = await post('/admin/api-keys', { principal: 'ops-new', role: 'ops', name: 'night shift' });
  expect(made.status).toBe(201);
  expect(made.body).toMatchObject({ principal: 'ops-new', role: 'ops', key: expect.stringMatching(/^ac_[0-9a-f]{12}_/) });
  const listed = await get('/admin/api-keys');
  const entry = listed.body.keys.find((key: { id: string }) => key.id === made.body.id);
  expect(entry).toEqual({ id: made.body.id, principal: 'ops-new', role: 'ops', name: 'night shift', createdAt: expect.any(String) });
  const secret = (made.body.key as string).slice(16);
  const file = readFileSync(stack.api.keys.file, 'utf8');
  expect(file).toContain(made.body.id);
  expect(file).not.toContain(secret);
  expect(file).not.toContain(Buffer.from(secret).toString('base64'));

  expect((await get(`/cases/${caseA.caseId}`, { as: null })).status).toBe(401);
  expect((await request(stack.api, 'GET', `/cases/${caseA.caseId}`, undefined, { authorization: `Bearer ${made.body.key}` })).status).toBe(200);
  expect((await request(stack.api, 'DELETE', `/admin/api-keys/${made.body.id}`)).status).toBe(200);
  expect((await request(stack.api, 'GET', `/cases/${caseA.caseId}`, undefined, { authorization: `Bearer ${made.body.key}` })).status).toBe(401);

  expect((await post('/admin/api-keys', { principal: 'x', role: 'customer' })).body.issues[0].path).toEqual(['customerId']);
  expect((await post('/admin/api-keys', { principal: 'x', role: 'root' })).status).toBe(400);
  expect((await request(stack.api, 'DELETE', '/admin/api-keys/ffffffffffff')).status).toBe(404);
});
