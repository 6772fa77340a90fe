/**
 * Every route of the API fuzzed with fast-check: valid bodies, valid bodies with one field replaced
 * by any JSON value, any JSON at all, bodies that are not JSON, odd path segments (percent-escapes,
 * unicode, dots) and odd headers (a false content-encoding, other content types). A route must
 * never answer 5xx, and every rejection must be a JSON error with a reason. Shared by `npm test`
 * (a bounded number of examples) and `npm run bench` (many more).
 */
import fc from 'fast-check';
import { API_ACTION_TYPES } from '../../domain/hotline-actions';
import { caseRequestBody } from './fixtures';

export interface FuzzTargets {
  /** A running case, a contract and its customer, so that valid requests reach real objects. */
  caseId: string;
  contractId: string;
  customerId: string;
}

interface Route {
  method: 'GET' | 'POST';
  /** `{id}` is replaced by a generated path segment. */
  path: string;
  /** A valid body, mutated by the fuzzer. */
  body?: Record<string, unknown>;
}

function routes(targets: FuzzTargets): Route[] {
  const actionBodies: Record<string, Record<string, unknown>> = {
    respond: {},
    'provide-solution': { solution: 'Rebuilt the index' },
    'record-outcome': { outcome: 'not-reproducible', explanation: 'Could not reproduce' },
    confirm: {},
    reject: { reason: 'Still failing' },
    reopen: { reason: 'Came back' },
    close: { reason: 'Done' },
    'change-severity': { severity: '1', reason: 'Worse' },
    pause: { reason: 'Waiting for logs' },
    resume: {},
    escalate: { reason: 'Needs the product team' },
    transfer: { to: 'remote' },
  };
  const calendar = { kind: 'preset', preset: '000', calendar: '24x7' };
  return [
    { method: 'POST', path: '/cases', body: caseRequestBody() },
    { method: 'GET', path: '/cases/{id}' },
    { method: 'GET', path: '/cases/{id}/history' },
    ...API_ACTION_TYPES.map((type): Route => ({ method: 'POST', path: `/cases/{id}/${type}`, body: actionBodies[type] ?? {} })),
    { method: 'POST', path: '/cases/{id}/apply-contract', body: {} },
    { method: 'GET', path: '/cases/{id}/call-backs/1' },
    { method: 'POST', path: '/cases/{id}/call-backs/1/survey', body: { speed: 5, quality: 4 } },
    {
      method: 'POST',
      path: '/contracts',
      body: {
        customer: { id: targets.customerId, name: 'Fuzz Ltd', email: 'it@fuzz.example' },
        servicePeriods: [{ kind: 'free', start: '2026-01-01', end: '2027-12-31' }],
        policy: { preset: '001' },
      },
    },
    { method: 'GET', path: '/contracts/{id}' },
    { method: 'GET', path: '/contracts/{id}/amendments' },
    { method: 'POST', path: '/contracts/{id}/amendments', body: { reason: 'Fuzz', changes: { vip: true } } },
    { method: 'POST', path: '/contracts/{id}/apply-to-open-cases', body: {} },
    { method: 'GET', path: '/customers/{id}/contracts' },
    { method: 'POST', path: '/deadlines/preview', body: { preset: '000', severity: '1' } },
    { method: 'GET', path: '/calendars/{id}/official-days?year=2026' },
    { method: 'POST', path: '/calendars/working-time', body: { calendar, from: '2026-03-02T09:00:00+08:00', to: '2026-03-03T09:00:00+08:00' } },
    { method: 'POST', path: '/calendars/next-working-instant', body: { calendar, at: '2026-03-02T09:00:00+08:00' } },
  ];
}

/** JSON values of every shape, strings with the characters that break naive code. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\u0000', '\u202e', '\ud800', '__proto__', 'constructor', 'toString', "' OR 1=1 --", '%zz', '../..', 'a'.repeat(10_000), '9'.repeat(400)),
);
const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    nastyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function mutate(body: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = path;
  const current = body[key];
  return { ...body, [key]: rest.length > 0 && current && typeof current === 'object' && !Array.isArray(current) ? mutate(current as Record<string, unknown>, rest, value) : value };
}

function keyPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return [prefix, ...Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => keyPaths(inner, [...prefix, key]))].filter((path) => path.length > 0);
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The caller: the route's usual one, nobody, or a key that is no key. */
  credentials: 'usual' | 'none' | 'forged';
}

/** The `Authorization` value of the route's usual caller (a role it allows), for `credentials: 'usual'`. */
export type Authorize = (method: string, path: string) => Promise<string | undefined>;

const FORGED_KEYS = ['Bearer ac_000000000000_' + 'A'.repeat(32), 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer ' + 'x'.repeat(5_000)];

/** A lone surrogate cannot be percent-encoded; what a client would send is its UTF-8 replacement. */
function encodeSegment(text: string): string {
  return encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8'));
}

function requestArbitrary(targets: FuzzTargets): fc.Arbitrary<FuzzRequest> {
  const segment = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(targets.caseId, targets.contractId, targets.customerId, 'CN', 'DE-BE').map(encodeURIComponent) },
    { weight: 2, arbitrary: nastyString.map((text) => encodeSegment(text.slice(0, 300)) || 'x') },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%00', '%E4%B8', '..', '.', '%2F', '%252F', '%C0%AE') },
  );
  const body = (route: Route) =>
    route.body === undefined
      ? fc.constant(undefined)
      : fc.oneof(
          { weight: 2, arbitrary: fc.constant(JSON.stringify(route.body)) },
          {
            weight: 4,
            arbitrary: fc
              .tuple(fc.constantFrom(...(keyPaths(route.body).length > 0 ? keyPaths(route.body) : [['extra']])), anyJson)
              .map(([path, value]) => JSON.stringify(mutate(route.body!, path, value))),
          },
          { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value) ?? 'null') },
          { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('{', '{"a":', '\u0000', 'null', '[]', '{"__proto__":{"x":1}}')) },
        );
  const headers: fc.Arbitrary<Record<string, string>> = fc.oneof(
    { weight: 6, arbitrary: fc.constant<Record<string, string>>({ 'content-type': 'application/json' }) },
    { weight: 1, arbitrary: fc.constant<Record<string, string>>({ 'content-type': 'application/json', 'content-encoding': 'gzip' }) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ 'content-type': 'text/plain' }, { 'content-type': 'application/json; charset=latin1' }, {}) },
    { weight: 1, arbitrary: nastyString.map((key): Record<string, string> => ({ 'content-type': 'application/json', 'idempotency-key': encodeSegment(key.slice(0, 500)) })) },
  );
  return fc.constantFrom(...routes(targets)).chain((route) =>
    fc.record({
      method: fc.constant(route.method),
      path: segment.map((id) => route.path.replace('{id}', id)),
      headers,
      body: body(route),
      credentials: fc.oneof({ weight: 8, arbitrary: fc.constant('usual' as const) }, { weight: 1, arbitrary: fc.constantFrom('none' as const, 'forged' as const) }),
    }),
  );
}

export interface FuzzOutcome {
  examples: number;
  /** Answers that break the rule: a 5xx, or a rejection without a JSON error and reason. */
  failures: { request: FuzzRequest; status: number; body: string }[];
  statuses: Record<number, number>;
  /** `POST /cases` answered 201: each started one case, and nothing else may have started one. */
  casesCreated: number;
}

/** Runs `examples` generated requests against the API at `baseUrl`; never throws on a bad answer. */
export async function fuzzRoutes(baseUrl: string, authorize: Authorize, targets: FuzzTargets, examples: number, seed?: number): Promise<FuzzOutcome> {
  const outcome: FuzzOutcome = { examples: 0, failures: [], statuses: {}, casesCreated: 0 };
  await fc.assert(
    fc.asyncProperty(requestArbitrary(targets), async (request) => {
      outcome.examples += 1;
      let status: number;
      let text: string;
      try {
        const authorization =
          request.credentials === 'usual' ? await authorize(request.method, request.path) : request.credentials === 'forged' ? FORGED_KEYS[outcome.examples % FORGED_KEYS.length] : undefined;
        const headers = { ...request.headers, ...(authorization && { authorization }) };
        const response = await fetch(`${baseUrl}${request.path}`, { method: request.method, headers, body: request.method === 'GET' ? undefined : request.body });
        status = response.status;
        text = await response.text();
      } catch (error) {
        status = 599;
        text = `no answer: ${(error as Error).message}`;
      }
      outcome.statuses[status] = (outcome.statuses[status] ?? 0) + 1;
      if (request.method === 'POST' && request.path === '/cases' && status === 201) outcome.casesCreated += 1;
      if (request.credentials !== 'usual' && status !== 401) outcome.failures.push({ request, status, body: `${text.slice(0, 400)} (answered without valid credentials)` });
      let reasoned = status < 400;
      if (!reasoned) {
        try {
          const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
          reasoned = typeof parsed.error === 'string' && typeof parsed.message === 'string' && parsed.message.length > 0;
        } catch {
          reasoned = false;
        }
      }
      if (status >= 500 || !reasoned) outcome.failures.push({ request, status, body: text.slice(0, 500) });
    }),
    { numRuns: examples, seed, endOnFailure: false },
  );
  return outcome;
}
