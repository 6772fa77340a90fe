/**
 * The API's OpenAPI 3.1 document: served without a key, valid (swagger-parser), an operation for
 * every route of the access table and only for mounted routes, bodies without the actor fields;
 * the docs page and its assets come from the API itself.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { ROUTE_ACCESS } from '../../api/access/policy';
import { undocumentedRoutes } from '../../api/openapi';
import { caseRequestBody } from '../helpers/fixtures';
import { request, usualCaller, useApiStack } from '../helpers/http';

const stack = useApiStack('openapi');

test('/openapi.json is a valid OpenAPI 3.1 document with an operation for every route, each mounted', async () => {
  const served = await stack.get('/openapi.json', { as: null });
  expect(served.status).toBe(200);
  expect(served.body.openapi).toBe('3.1.0');
  await expect(SwaggerParser.validate(structuredClone(served.body))).resolves.toBeDefined();
  expect(undocumentedRoutes()).toEqual([]);

  const documented = Object.entries(served.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{([A-Za-z]+)\}/g, ':$1')}`),
  );
  expect(documented.sort()).toEqual(Object.keys(ROUTE_ACCESS).sort());

  // Each documented operation is a mounted route: called as a role it allows, it is never "No such route".
  const caseId = caseRequestBody().caseId;
  for (const key of documented) {
    const [method, pattern] = key.split(' ');
    const path = pattern.replace(':caseId', caseId).replace(/:[A-Za-z]+/g, (name) => (name === ':solutionNumber' ? '1' : name === ':keyId' ? '000000000000' : 'CN'));
    const answer = await request(stack.api, method, path, method === 'GET' || method === 'DELETE' ? undefined : {}, {}, { as: usualCaller(method, path) ?? { customer: 'cust-api' } });
    expect({ key, message: answer.body?.message }).not.toEqual({ key, message: 'No such route' });
  }
});

test('documented bodies leave out who acts (it comes from the key); actions document their Idempotency-Key', async () => {
  const { body } = await stack.get('/openapi.json', { as: null });
  const respond = body.paths['/cases/{caseId}/respond'].post;
  const schema = respond.requestBody.content['application/json'].schema;
  expect(Object.keys(schema.properties ?? {})).not.toContain('by');
  expect(respond.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'Idempotency-Key' })]));
  const intake = body.paths['/cases'].post.requestBody.content['application/json'].schema;
  expect(Object.keys(intake.properties)).toEqual(expect.arrayContaining(['customer', 'problem', 'severity']));
  expect(Object.keys(intake.properties)).not.toContain('openedBy');
  expect(respond.security).toEqual([{ apiKey: [] }]);
});

test('the docs page and its assets are served by the API itself, without a key', async () => {
  const page = await fetch(`${stack.api.baseUrl}/docs`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
  expect(html).not.toMatch(/https?:\/\//);
  for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css', '/docs/init.js']) {
    const response = await fetch(`${stack.api.baseUrl}${asset}`);
    expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
    expect((await response.text()).length).toBeGreaterThan(10);
  }
});
