/**
 * The API's OpenAPI 3.1 document, generated from the same zod schemas the routes parse with
 * (zod-openapi), one operation per entry of the access table (access/policy.ts): a route cannot
 * be mounted without an entry there, and the document is built from there, so it covers every route.
 */
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { API_ACTION_TYPES, hotlineActionSchemas } from '../domain/hotline-actions';
import { amendmentSchema } from '../domain/contract-schema';
import { keyParams } from './access/admin-router';
import { ROLES, newKeyRequest } from './access/keys';
import { ROUTE_ACCESS } from './access/policy';
import { addYearBody, nextWorkingInstantBody, officialDaysQueryFields, regionParams, workingTimeBody } from './calendars/schemas';
import { applyContractBody } from './cases/apply-contract';
import { callBackParams, caseIdParams, caseSearchQuery, createCaseBody, historyQuery, idempotencyKey, surveyBody } from './cases/schemas';
import { contractParams, createContractBody, customerParams } from './contracts/router';
import { previewBody } from './deadlines/router';
import { remoteActionSchemas } from '../domain/remote-actions';
import { REMOTE_API_ACTIONS, authoriseBody, createRemoteBody } from './remote/router';
import { documentParams } from './product-cases';
import { ON_SITE_SCANS, createOnSiteBody } from './on-site/router';
import { ON_SITE_ACTION_TYPES, onSiteActionSchemas } from '../domain/on-site-actions';

interface Operation {
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Whether the route takes an Idempotency-Key (actions). */
  idempotent?: boolean;
}

const OPERATIONS: Record<string, Operation> = {
  'POST /cases': { summary: 'Open a hotline case (the same id and body again answers 200; another body 409)', body: createCaseBody },
  'GET /cases': { summary: 'Search cases by customer, product, status, breach and due instant, a page at a time (nextPage → page)', query: caseSearchQuery },
  'GET /cases/:caseId': { summary: 'Read a case', params: caseIdParams },
  ...Object.fromEntries(API_ACTION_TYPES.map((type) => [`POST /cases/:caseId/${type}`, { summary: `Action: ${type}`, params: caseIdParams, body: hotlineActionSchemas[type], idempotent: true }])),
  'POST /cases/:caseId/apply-contract': { summary: "Apply the case's contract as amended", params: caseIdParams, body: applyContractBody, idempotent: true },
  'GET /cases/:caseId/history': { summary: 'Every recorded change of a case, in pages', params: caseIdParams, query: historyQuery },
  'GET /cases/:caseId/call-backs/:solutionNumber': { summary: 'The satisfaction call-back of a solution', params: callBackParams },
  'POST /cases/:caseId/call-backs/:solutionNumber/survey': { summary: 'The customer answers the survey', params: callBackParams, body: surveyBody, idempotent: true },
  'POST /remote': { summary: 'Start remote maintenance directly (a hotline transfer starts it too)', body: createRemoteBody },
  'GET /remote/:caseId': { summary: 'Read a remote maintenance case', params: caseIdParams },
  ...Object.fromEntries(
    REMOTE_API_ACTIONS.map((type) => [`POST /remote/:caseId/${type}`, { summary: `Remote action: ${type}`, params: caseIdParams, body: remoteActionSchemas[type], idempotent: true }]),
  ),
  'POST /remote/:caseId/authorise': {
    summary: "The customer's authorisation: the login details are sealed by the API; history holds only their reference",
    params: caseIdParams,
    body: authoriseBody,
  },
  'POST /remote/:caseId/confirmation-scan': {
    summary: 'The signed paper confirmation, scanned: the body is the file (Content-Type application/pdf, image/png or image/jpeg, ≤ 10 MB)',
    params: caseIdParams,
  },
  'GET /remote/:caseId/documents': { summary: 'The documents of a remote case (report, signed confirmation)', params: caseIdParams },
  'GET /remote/:caseId/documents/:documentId': { summary: 'Download a document (PDF)', params: documentParams },
  'POST /on-site': { summary: 'Start an on-site visit directly (scheduled or on request; a hotline transfer starts one too)', body: createOnSiteBody },
  'GET /on-site/:caseId': { summary: 'Read an on-site visit', params: caseIdParams },
  ...Object.fromEntries(
    ON_SITE_ACTION_TYPES.map((type) => [`POST /on-site/:caseId/${type}`, { summary: `On-site action: ${type}`, params: caseIdParams, body: onSiteActionSchemas[type], idempotent: true }]),
  ),
  ...Object.fromEntries(
    ON_SITE_SCANS.map((scan) => [
      `POST /on-site/:caseId/${scan.route}`,
      { summary: `The signed paper (${scan.action}), scanned: the body is the file (Content-Type application/pdf, image/png or image/jpeg, ≤ 10 MB)`, params: caseIdParams },
    ]),
  ),
  'GET /on-site/:caseId/documents': { summary: 'The documents of an on-site visit (work order, materials form)', params: caseIdParams },
  'GET /on-site/:caseId/documents/:documentId': { summary: 'Download a document (PDF)', params: documentParams },
  'POST /contracts': { summary: 'Create a contract (the same terms again 200; other terms 409)', body: createContractBody },
  'GET /contracts/:contractId': { summary: 'Read a contract', params: contractParams },
  'GET /contracts/:contractId/amendments': { summary: "A contract's amendments, oldest first", params: contractParams },
  'POST /contracts/:contractId/amendments': { summary: 'Amend a contract', params: contractParams, body: amendmentSchema },
  'POST /contracts/:contractId/apply-to-open-cases': { summary: 'Apply the current terms to every running case of the contract', params: contractParams, body: applyContractBody },
  'GET /customers/:customerId/contracts': { summary: "A customer's contracts", params: customerParams },
  'GET /calendars/:region/official-days': { summary: 'Official holidays and make-up working days of a region', params: regionParams, query: officialDaysQueryFields },
  'POST /calendars/:region/official-days': { summary: 'Add (or replace) a year of official days', params: regionParams, body: addYearBody },
  'POST /calendars/working-time': { summary: 'Working time between two instants on a calendar', body: workingTimeBody },
  'POST /calendars/next-working-instant': { summary: 'The next working instant on a calendar', body: nextWorkingInstantBody },
  'POST /deadlines/preview': { summary: "Every window's due instant for a contract or preset, severity and report instant", body: previewBody },
  'GET /admin/api-keys': { summary: 'List API keys (never a hash)' },
  'POST /admin/api-keys': { summary: 'Make an API key (shown in this answer only)', body: newKeyRequest },
  'DELETE /admin/api-keys/:keyId': { summary: 'Revoke an API key', params: keyParams },
};

const errorBody = z.object({ error: z.string(), message: z.string() }).loose().meta({ id: 'Error' });
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });

function operation(key: string, spec: Operation): ZodOpenApiOperationObject {
  const roles = ROUTE_ACCESS[key];
  return {
    summary: spec.summary,
    description: `Roles: ${roles.join(', ')}.${roles.includes('customer') ? " A customer reaches only its own customer's objects (404 otherwise)." : ''}`,
    security: [{ apiKey: [] }],
    requestParams: {
      ...(spec.params && { path: spec.params }),
      ...(spec.query && { query: spec.query }),
      ...(spec.idempotent && { header: z.object({ 'Idempotency-Key': idempotencyKey }) }),
    },
    ...(spec.body && { requestBody: { content: { 'application/json': { schema: spec.body } } } }),
    responses: {
      '200': json(z.object({}).loose(), 'The answer (a case, contract or result, instants with the customer’s offset)'),
      '400': json(errorBody, 'Bad input, with the zod issues'),
      '401': json(errorBody, 'No valid API key'),
      '403': json(errorBody, 'The role may not call this route'),
      '404': json(errorBody, 'Unknown (or another customer’s) object'),
      '409': json(errorBody, 'Not allowed in the current state, or a conflicting repeat'),
      '422': json(errorBody, 'Refused by a business rule, or an Idempotency-Key reused for another request'),
      '503': json(errorBody, 'Temporal is unreachable'),
      '504': json(errorBody, 'No worker answered in time'),
    },
  };
}

/** `by` and `openedBy` come from the caller's key: documented bodies leave them out. */
function withoutActors(document: ReturnType<typeof createDocument>): ReturnType<typeof createDocument> {
  for (const path of Object.values(document.paths ?? {})) {
    for (const item of Object.values(path ?? {})) {
      const schema = (item as { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown>; required?: string[] } }> } })?.requestBody?.content?.[
        'application/json'
      ]?.schema;
      if (!schema?.properties) continue;
      for (const field of ['by', 'openedBy']) {
        delete schema.properties[field];
        schema.required = schema.required?.filter((name) => name !== field);
      }
    }
  }
  return document;
}

let built: ReturnType<typeof createDocument> | undefined;

export function openApiDocument(): ReturnType<typeof createDocument> {
  if (built) return built;
  const paths: ZodOpenApiPathsObject = {};
  for (const [key, spec] of Object.entries(OPERATIONS)) {
    const [method, pattern] = key.split(' ');
    const path = pattern.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] = { ...paths[path], [method.toLowerCase()]: operation(key, spec) };
  }
  built = withoutActors(
    createDocument({
      openapi: '3.1.0',
      info: { title: 'Aftercare API', version: '1', description: `After-sales service cases as durable Temporal workflows. Roles: ${ROLES.join(', ')}.` },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (Authorization: Bearer ac_…) or, where the operator configured one, a JWT from its identity provider' },
        },
      },
      paths,
    }),
  );
  return built;
}

/** Entries of the access table the document has no operation for (none, or the document is incomplete). */
export function undocumentedRoutes(): string[] {
  return Object.keys(ROUTE_ACCESS).filter((key) => !(key in OPERATIONS));
}
