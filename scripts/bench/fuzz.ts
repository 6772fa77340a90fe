/**
 * The long run of the route fuzz (test/helpers/route-fuzz.ts; `npm test` runs a few hundred
 * examples): every route, many generated requests, against the API and worker the bench started.
 */
import { type Caller, usualCaller } from '../../test/helpers/callers';
import { caseRequestBody, uniqueId } from '../../test/helpers/fixtures';
import { fuzzRoutes } from '../../test/helpers/route-fuzz';
import { type Result, round } from './util';

export interface FuzzSizes {
  examples: number;
}

async function post(baseUrl: string, authorization: string, route: string, body: unknown): Promise<number> {
  const response = await fetch(`${baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) });
  await response.text();
  return response.status;
}

export async function benchFuzz(baseUrl: string, bearer: (caller: Caller) => Promise<string>, sizes: FuzzSizes, progress: (message: string) => void): Promise<Result> {
  const customerId = uniqueId('bench-fuzz-cust');
  const contractId = uniqueId('bench-fuzz-contract');
  const contract = {
    contractId,
    customer: { id: customerId, name: 'Fuzz Ltd', email: 'it@fuzz.example' },
    servicePeriods: [{ kind: 'free', start: '2026-01-01', end: '2027-12-31' }],
    policy: { preset: '001' },
  };
  const body = caseRequestBody();
  const created = (await post(baseUrl, await bearer('admin'), '/contracts', contract)) === 201 && (await post(baseUrl, await bearer('engineer'), '/cases', body)) === 201;
  if (!created) throw new Error('could not create the fuzz targets');
  progress(`fuzz: ${sizes.examples} generated requests across every route`);
  const began = Date.now();
  const authorize = (method: string, path: string) => bearer(usualCaller(method, path) ?? { customer: body.customer.id });
  const outcome = await fuzzRoutes(baseUrl, authorize, { caseId: body.caseId, contractId, customerId }, sizes.examples);
  const fiveHundreds = outcome.failures.filter((failure) => failure.status >= 500).length;
  progress(`  ${outcome.examples} examples in ${round((Date.now() - began) / 1000)} s; statuses ${JSON.stringify(outcome.statuses)}`);
  return {
    id: '7',
    target: 'route fuzz: generated requests on every route (no 5xx, every rejection a 4xx with a reason)',
    measured: `${outcome.examples} examples, ${fiveHundreds} 5xx, ${outcome.failures.length - fiveHundreds} rejections without a reason`,
    limit: '0 5xx, 0 unexplained',
    pass: outcome.failures.length === 0,
    value: outcome.failures.length,
    unit: 'bad answers',
    details: { examples: outcome.examples, statuses: outcome.statuses, failures: outcome.failures.slice(0, 10) },
  };
}
