/**
 * Bearer JWTs from the operator's identity provider, over real HTTP against a real worker, with the
 * provider's key set served by a real local JWKS endpoint: a token is the principal its claims
 * name (its `sub` the actor on the case, a customer's token held to its own customer's cases);
 * every other token is a 401 saying why; API keys work beside JWTs; a rotated key counts at once;
 * the provider out of reach is a 503, and keys already fetched keep working meanwhile.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type JWK, type JWTPayload, type KeyLike, SignJWT, base64url, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { DEFAULT_JWT_ALGORITHMS, IdentityProviderUnavailable, type JwtConfig, type JwtVerifierOptions, TokenRefused, createJwtVerifier } from '../../api/access/jwt';
import { parseApiConfig } from '../../api/config';
import { type RunningWorker, createDevServerEnv, startWorker } from '../helpers/environments';
import { caseRequestBody, uniqueId } from '../helpers/fixtures';
import { type JsonResponse, type RunningApi, request, startApi } from '../helpers/http';

const ISSUER = 'https://idp.example/realms/aftercare';
const AUDIENCE = 'aftercare-api';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  publicKey: KeyLike;
  privateKey: KeyLike;
  jwk: JWK;
}

async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return { kid, alg, publicKey, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The provider's key set endpoint: serves the keys `published` holds now, or fails with `status`. */
interface JwksServer {
  url: string;
  published: SigningKey[];
  status: number;
  fetches: number;
  close(): Promise<void>;
}

/** Every key set endpoint a test started, closed after the file's tests even if one failed midway. */
const jwksServers: JwksServer[] = [];

async function startJwks(published: SigningKey[]): Promise<JwksServer> {
  const jwks = { published, status: 200, fetches: 0 } as JwksServer;
  jwksServers.push(jwks);
  const server = createServer((_req, res) => {
    jwks.fetches += 1;
    res.writeHead(jwks.status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks.published.map((key) => key.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwks.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  jwks.close = () =>
    new Promise((resolve) => {
      // Once closed, closing again is a no-op: the provider is simply down.
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return jwks;
}

const jwtConfig = (jwksUrl: string): JwtConfig => ({
  jwksUrl,
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: DEFAULT_JWT_ALGORITHMS,
  roleClaim: 'aftercare_role',
  customerIdClaim: 'aftercare_customer_id',
});

// No cool-down: an unknown kid fetches the set again at once, as the first one after 30 s would.
const verifierOf = (jwks: JwksServer, options: JwtVerifierOptions = { jwksCooldownMs: 0 }) => createJwtVerifier(jwtConfig(jwks.url), options);

const nowS = () => Math.floor(Date.now() / 1000);

/** A token as the provider issues it, valid for five minutes unless the test says otherwise. */
async function tokenOf(
  key: SigningKey,
  claims: JWTPayload,
  { expiresAt = nowS() + 300, issuer = ISSUER, audience = AUDIENCE, kid = key.kid }: { expiresAt?: number | null; issuer?: string; audience?: string; kid?: string } = {},
): Promise<string> {
  const token = new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' }).setIssuer(issuer).setAudience(audience).setIssuedAt();
  if (expiresAt !== null) token.setExpirationTime(expiresAt);
  return token.sign(key.privateKey);
}

const customerA = uniqueId('cust-a');
const customerB = uniqueId('cust-b');
const ENGINEER = { sub: 'auth0|agent-li', aftercare_role: 'engineer' };
const CONTACT_A = { sub: 'okta|contact-a', aftercare_role: 'customer', aftercare_customer_id: customerA };
const CONTACT_B = { sub: 'okta|contact-b', aftercare_role: 'customer', aftercare_customer_id: customerB };

const call = (api: RunningApi, method: string, route: string, token: string, body?: unknown): Promise<JsonResponse> =>
  request(api, method, route, body ?? (method === 'GET' ? undefined : {}), { authorization: `Bearer ${token}` });

let worker: RunningWorker;
let idp: JwksServer;
/** JWTs from `idp` and API keys. */
let api: RunningApi;
/** API keys only: no identity provider configured. */
let keysOnly: RunningApi;
let current: SigningKey;
let stranger: SigningKey;
/** A case of customer A, opened with an API key. */
let caseOfA: string;

beforeAll(async () => {
  [current, stranger] = await Promise.all([signingKey('idp-2026-01', 'RS256'), signingKey('stranger', 'RS256')]);
  idp = await startJwks([current]);
  worker = await startWorker(await createDevServerEnv(), uniqueId('jwt-tq'), mkdtempSync(path.join(tmpdir(), 'aftercare-outbox-')));
  api = await startApi(worker.env.client, worker.taskQueue, { auditDirectory: worker.auditDirectory, jwt: verifierOf(idp) });
  keysOnly = await startApi(worker.env.client, worker.taskQueue, { auditDirectory: worker.auditDirectory });
  const body = caseRequestBody({ customer: { id: customerA, name: 'A Ltd', email: 'it@a.example' } });
  caseOfA = body.caseId;
  expect((await request(api, 'POST', '/cases', body)).status).toBe(201);
});

afterAll(async () => {
  await api?.close();
  await keysOnly?.close();
  await worker?.stop();
  await Promise.all(jwksServers.map((jwks) => jwks.close()));
});

test("an engineer's JWT opens a case and a customer's JWT confirms it: the records name each token's sub; another customer's token finds no such case", async () => {
  const [engineer, contactA, contactB] = await Promise.all([tokenOf(current, ENGINEER), tokenOf(current, CONTACT_A), tokenOf(current, CONTACT_B)]);
  const body = caseRequestBody({ customer: { id: customerA, name: 'A Ltd', email: 'it@a.example' } });
  const opened = await call(api, 'POST', '/cases', engineer, body);
  expect(opened.status).toBe(201);
  const casePath = `/cases/${body.caseId}`;
  expect((await call(api, 'POST', `${casePath}/provide-solution`, engineer, { solution: 'Rebuilt the index' })).status).toBe(200);

  // The policy and the object-level check hold for a JWT principal as for a key's.
  expect((await call(api, 'POST', '/cases', contactA, caseRequestBody({ customer: { id: customerA, name: 'A Ltd', email: 'it@a.example' } }))).status).toBe(403);
  expect((await call(api, 'GET', casePath, contactB)).status).toBe(404);
  expect((await call(api, 'POST', `${casePath}/confirm`, contactB)).body).toEqual({ error: 'not_found', message: expect.any(String) });

  expect((await call(api, 'GET', casePath, contactA)).status).toBe(200);
  const confirmed = await call(api, 'POST', `${casePath}/confirm`, contactA);
  expect(confirmed.status).toBe(200);
  expect(confirmed.body.status).toBe('closed');
  const history = confirmed.body.history as { type: string; by: string }[];
  expect(confirmed.body.owner).toBe('auth0|agent-li');
  expect(history.find((entry) => entry.type === 'solution-provided')?.by).toBe('auth0|agent-li');
  expect(history.find((entry) => entry.type === 'confirmed')?.by).toBe('okta|contact-a');
});

test("each staff role of the role claim is that role: an admin's token lists the API keys, every other role's is refused with 403", async () => {
  for (const role of ['engineer', 'service-manager', 'ops', 'admin']) {
    const answer = await call(api, 'GET', '/admin/api-keys', await tokenOf(current, { sub: `idp-${role}`, aftercare_role: role }));
    expect({ role, status: answer.status }).toEqual({ role, status: role === 'admin' ? 200 : 403 });
    if (role !== 'admin') expect(answer.body.message).toContain(role);
  }
  // A staff token carrying a customer id acts for no customer: it still reads any customer's case.
  const staffWithCustomer = await tokenOf(current, { ...ENGINEER, aftercare_customer_id: customerB });
  expect((await call(api, 'GET', `/cases/${caseOfA}`, staffWithCustomer)).status).toBe(200);
});

test('a token a few seconds past its exp is still accepted (30 s clock tolerance); one minutes past it is not', async () => {
  expect((await call(api, 'GET', `/cases/${caseOfA}`, await tokenOf(current, ENGINEER, { expiresAt: nowS() - 5 }))).status).toBe(200);
  const late = await call(api, 'GET', `/cases/${caseOfA}`, await tokenOf(current, ENGINEER, { expiresAt: nowS() - 120 }));
  expect(late.status).toBe(401);
  expect(late.body.message).toMatch(/expired/);
});

test('every token that is not good answers 401 invalid_token with the common error body, saying why and never echoing the token', async () => {
  const { sub: _sub, ...noSub } = ENGINEER;
  const { aftercare_role: _role, ...noRole } = ENGINEER;
  const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify({ ...ENGINEER, iss: ISSUER, aud: AUDIENCE, exp: nowS() + 300 }))}.`;
  // The classic forgery: HS256 "signed" with the provider's public key, which anyone can fetch.
  const publicKeyAsSecret = new TextEncoder().encode(await exportSPKI(current.publicKey));
  const hs256 = await new SignJWT(ENGINEER).setProtectedHeader({ alg: 'HS256', kid: current.kid }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(publicKeyAsSecret);
  const cases: [string, string, RegExp][] = [
    ['expired', await tokenOf(current, ENGINEER, { expiresAt: nowS() - 120 }), /has expired \("exp"\)/],
    ['wrong issuer', await tokenOf(current, ENGINEER, { issuer: 'https://evil.example' }), /not issued by the identity provider this API trusts \("iss"\)/],
    ['wrong audience', await tokenOf(current, ENGINEER, { audience: 'another-api' }), /not meant for this API \("aud"\)/],
    ['signed by a key the set does not hold', await tokenOf(stranger, ENGINEER), /key the identity provider does not publish/],
    ['signed by another key under a published kid', await tokenOf(stranger, ENGINEER, { kid: current.kid }), /signature does not verify/],
    ['alg none', unsigned, /algorithm is not accepted \(only RS256, ES256, EdDSA\)/],
    ['HS256 with the public key as secret', hs256, /algorithm is not accepted/],
    ['no role claim', await tokenOf(current, noRole), /no "aftercare_role" claim: it must be one of customer, engineer/],
    ['an unknown role', await tokenOf(current, { ...ENGINEER, aftercare_role: 'root' }), /"aftercare_role" claim that is not a role/],
    [
      'a customer without customer id',
      await tokenOf(current, { sub: 'okta|contact-x', aftercare_role: 'customer' }),
      /customer's token needs its customer id: this one has no "aftercare_customer_id" claim/,
    ],
    ['a customer with a malformed customer id', await tokenOf(current, { ...CONTACT_A, aftercare_customer_id: '../b' }), /"aftercare_customer_id" claim that is not a customer id/],
    ['no exp', await tokenOf(current, ENGINEER, { expiresAt: null }), /no "exp" claim/],
    ['no sub', await tokenOf(current, noSub), /no "sub" claim/],
    ['not a JWT', 'eyJub3QiOiJhIGp3dCJ9.bm9wZQ.bm9wZQ', /not a well-formed signed JWT/],
  ];
  // The same route answers a good token: every refusal below is the token's.
  expect((await call(api, 'GET', `/cases/${caseOfA}`, await tokenOf(current, ENGINEER))).status).toBe(200);
  for (const [name, token, reason] of cases) {
    const answer = await call(api, 'GET', `/cases/${caseOfA}`, token);
    expect({ name, status: answer.status, body: answer.body }).toEqual({ name, status: 401, body: { error: 'unauthenticated', message: expect.stringMatching(reason) } });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="aftercare", error="invalid_token"');
    for (const part of token.split('.').filter((segment) => segment.length > 8)) expect(JSON.stringify(answer.body)).not.toContain(part);
  }
});

test('API keys work beside JWTs and a key-shaped token is judged as a key; without an identity provider a JWT is refused and keys work as before', async () => {
  const engineerJwt = await tokenOf(current, ENGINEER);
  expect((await request(api, 'GET', `/cases/${caseOfA}`, undefined, {}, { as: 'engineer' })).status).toBe(200);
  const forgedKey = await call(api, 'GET', `/cases/${caseOfA}`, 'ac_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  expect(forgedKey.status).toBe(401);
  expect(forgedKey.body.message).toBe('The API key is not valid (unknown or revoked)');
  expect(forgedKey.headers.get('www-authenticate')).toBe('Bearer realm="aftercare"');
  const none = await request(api, 'GET', `/cases/${caseOfA}`, undefined, {}, { as: null });
  expect(none.status).toBe(401);
  expect(none.body.message).toMatch(/API key or a JWT/);

  const refused = await call(keysOnly, 'GET', `/cases/${caseOfA}`, engineerJwt);
  expect(refused.status).toBe(401);
  expect(refused.body).toEqual({ error: 'unauthenticated', message: 'The bearer token is not an API key (ac_…), and this API accepts no other tokens' });
  expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="aftercare"');
  expect((await request(keysOnly, 'GET', `/cases/${caseOfA}`, undefined, {}, { as: 'engineer' })).status).toBe(200);
  expect((await request(keysOnly, 'GET', `/cases/${caseOfA}`, undefined, {}, { as: null })).body.message).toBe('Send an API key: Authorization: Bearer <key>');
});

test('a key the provider starts publishing counts at once (the set is fetched again for its unknown kid); known kids never fetch it again', async () => {
  const rotating = await startJwks([current]);
  const rotated = await startApi(worker.env.client, worker.taskQueue, { auditDirectory: worker.auditDirectory, jwt: verifierOf(rotating) });
  try {
    const next = await signingKey('idp-2026-07', 'ES256');
    expect((await call(rotated, 'GET', `/cases/${caseOfA}`, await tokenOf(current, ENGINEER))).status).toBe(200);
    expect((await call(rotated, 'GET', `/cases/${caseOfA}`, await tokenOf(next, ENGINEER))).body.message).toMatch(/does not publish/);
    rotating.published = [current, next];
    expect((await call(rotated, 'GET', `/cases/${caseOfA}`, await tokenOf(next, ENGINEER))).status).toBe(200);
    expect((await call(rotated, 'GET', `/cases/${caseOfA}`, await tokenOf(current, ENGINEER))).status).toBe(200);
    expect((await call(rotated, 'GET', `/cases/${caseOfA}`, await tokenOf(next, ENGINEER))).status).toBe(200);
    // First use, the unknown kid before it was published, the unknown kid after: three fetches, no more.
    expect(rotating.fetches).toBe(3);
  } finally {
    await rotated.close();
  }
});

test('with the default cool-down, a stream of unknown kids costs no fetch beyond the first within 30 s', async () => {
  const jwks = await startJwks([current]);
  const verifier = verifierOf(jwks, {});
  expect(await verifier.verify(await tokenOf(current, ENGINEER))).toEqual({ id: 'auth0|agent-li', role: 'engineer' });
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await expect(verifier.verify(await tokenOf(stranger, ENGINEER, { kid: `forged-${attempt}` }))).rejects.toThrow(TokenRefused);
  }
  expect(jwks.fetches).toBe(1);
});

test('the provider out of reach answers 503 with Retry-After, never a 500: keys already fetched keep verifying, API keys keep working', async () => {
  const failing = await startJwks([current]);
  const dependent = await startApi(worker.env.client, worker.taskQueue, { auditDirectory: worker.auditDirectory, jwt: verifierOf(failing) });
  try {
    const next = await signingKey('idp-2026-07', 'ES256');
    expect((await call(dependent, 'GET', `/cases/${caseOfA}`, await tokenOf(current, ENGINEER))).status).toBe(200);

    failing.status = 500;
    const erring = await call(dependent, 'GET', `/cases/${caseOfA}`, await tokenOf(next, ENGINEER));
    expect({ status: erring.status, body: erring.body }).toEqual({
      status: 503,
      body: { error: 'identity_provider_unavailable', message: expect.stringMatching(/signing keys could not be fetched.*retry later/) },
    });
    expect(erring.headers.get('retry-after')).toBe('30');
    expect(erring.headers.get('www-authenticate')).toBeNull();

    await failing.close();
    expect((await call(dependent, 'GET', `/cases/${caseOfA}`, await tokenOf(next, ENGINEER))).status).toBe(503);
    expect((await call(dependent, 'GET', `/cases/${caseOfA}`, await tokenOf(current, ENGINEER))).status).toBe(200);
    expect((await request(dependent, 'GET', `/cases/${caseOfA}`, undefined, {}, { as: 'engineer' })).status).toBe(200);
    // A verifier that never reached the provider: the same answer, not a refusal of the token.
    await expect(verifierOf(failing).verify(await tokenOf(current, ENGINEER))).rejects.toThrow(IdentityProviderUnavailable);
  } finally {
    await dependent.close();
  }
});

test("JWTs are on only with a JWKS URL, an issuer and an audience; a bad configuration stops the API with the variable's name", () => {
  expect(parseApiConfig({}).jwt).toBeUndefined();
  expect(parseApiConfig({ AFTERCARE_JWT_JWKS_URL: '' }).jwt).toBeUndefined();
  const on = { AFTERCARE_JWT_JWKS_URL: 'https://idp.example/jwks', AFTERCARE_JWT_ISSUER: ISSUER, AFTERCARE_JWT_AUDIENCE: AUDIENCE };
  expect(parseApiConfig(on).jwt).toEqual({ ...jwtConfig('https://idp.example/jwks'), algorithms: ['RS256', 'ES256', 'EdDSA'] });
  expect(parseApiConfig({ ...on, AFTERCARE_JWT_ALGORITHMS: 'PS256, ES384', AFTERCARE_JWT_ROLE_CLAIM: 'https://aftercare.example/role' }).jwt).toMatchObject({
    algorithms: ['PS256', 'ES384'],
    roleClaim: 'https://aftercare.example/role',
    customerIdClaim: 'aftercare_customer_id',
  });
  expect(() => parseApiConfig({ AFTERCARE_JWT_JWKS_URL: 'https://idp.example/jwks' })).toThrow(
    /AFTERCARE_JWT_ISSUER: Required when AFTERCARE_JWT_JWKS_URL is set; AFTERCARE_JWT_AUDIENCE: Required when AFTERCARE_JWT_JWKS_URL is set/,
  );
  expect(() => parseApiConfig({ AFTERCARE_JWT_AUDIENCE: AUDIENCE })).toThrow(/AFTERCARE_JWT_AUDIENCE: Set AFTERCARE_JWT_JWKS_URL too/);
  expect(() => parseApiConfig({ ...on, AFTERCARE_JWT_JWKS_URL: 'http://idp.example/jwks' })).toThrow(/AFTERCARE_JWT_JWKS_URL: Use an https:\/\/ URL/);
  expect(parseApiConfig({ ...on, AFTERCARE_JWT_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).jwt?.jwksUrl).toBe('http://127.0.0.1:8080/jwks');
  for (const algorithms of ['RS256,HS256', 'none']) expect(() => parseApiConfig({ ...on, AFTERCARE_JWT_ALGORITHMS: algorithms })).toThrow(/AFTERCARE_JWT_ALGORITHMS/);
});
