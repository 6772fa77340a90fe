/**
 * Every route fuzzed over real HTTP against a real worker (test/helpers/route-fuzz.ts): no 5xx,
 * every rejection a JSON error with a reason, no case started by a rejected request and none harmed.
 * `npm run bench` runs many more examples.
 */
import { caseRequestBody, uniqueId } from '../helpers/fixtures';
import { usualCaller, useApiStack } from '../helpers/http';
import { fuzzRoutes } from '../helpers/route-fuzz';

const stack = useApiStack('fuzz');
const { post, get } = stack;
const EXAMPLES = Number(process.env.AFTERCARE_FUZZ_EXAMPLES ?? 300);

async function hotlineCases(): Promise<number> {
  return (await stack.worker.env.client.workflow.count(`Product = 'hotline'`)).count;
}

test(`${EXAMPLES} generated requests across every route: no 5xx, every rejection a 4xx with a reason, 401 without valid credentials, nothing started by a rejected one`, async () => {
  const customerId = uniqueId('fuzz-cust');
  const contractId = uniqueId('fuzz-contract');
  expect(
    (
      await post('/contracts', {
        contractId,
        customer: { id: customerId, name: 'Fuzz Ltd', email: 'it@fuzz.example' },
        servicePeriods: [{ kind: 'free', start: '2026-01-01', end: '2027-12-31' }],
        policy: { preset: '001' },
      })
    ).status,
  ).toBe(201);
  const body = caseRequestBody();
  expect((await post('/cases', body)).status).toBe(201);
  const before = await hotlineCases();

  // Each request as a caller its route allows (a customer-only route as the case's customer).
  const authorize = (method: string, path: string) => stack.api.bearer(usualCaller(method, path) ?? { customer: body.customer.id });
  const outcome = await fuzzRoutes(stack.api.baseUrl, authorize, { caseId: body.caseId, contractId, customerId }, EXAMPLES);
  expect(outcome.failures).toEqual([]);
  expect(outcome.examples).toBe(EXAMPLES);
  // The generator reaches the routes' logic, not only their schemas.
  expect(Object.keys(outcome.statuses).map(Number)).toEqual(expect.arrayContaining([200, 400, 404]));

  // Exactly the cases answered 201 were started (visibility catches up within moments).
  const deadline = Date.now() + 15_000;
  while ((await hotlineCases()) !== before + outcome.casesCreated && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  expect(await hotlineCases()).toBe(before + outcome.casesCreated);
  // The case every valid action went to still answers.
  expect((await get(`/cases/${body.caseId}`)).status).toBe(200);
}, 300_000);
