/**
 * Authentication for every route but health and docs — an API key, or a JWT from the operator's
 * identity provider when one is configured, both giving one Principal — and authorization by the
 * route's entry in policy.ts, with the one object-level check: a customer principal reaches only
 * its own customer's cases and contracts (anything else answers 404, as if it did not exist).
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { caseWorkflowId, contractWorkflowId } from '../../domain/products';
import { CUSTOMER_ID } from '../../workflows/search-attributes';
import { HttpError } from '../errors';
import { IdentityProviderUnavailable, type JwtVerifier, TokenRefused } from './jwt';
import { type KeyStore, type Principal, looksLikeApiKey } from './keys';
import { ROUTE_ACCESS, routeKey } from './policy';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate` on every route that requires it. */
    principal?: Principal;
  }
}

export interface AccessDeps {
  client: Client;
  keys: KeyStore;
}

const BEARER = /^Bearer\s+(\S+)$/i;
const NO_KEY = 'Send an API key: Authorization: Bearer <key>';
const NO_TOKEN = "Send an API key or a JWT from the operator's identity provider: Authorization: Bearer <token>";
const REALM = 'Bearer realm="aftercare"';
/** How long a caller should wait when the identity provider's keys could not be fetched. */
const IDP_RETRY_AFTER_S = 30;

export interface AuthenticationDeps {
  keys: KeyStore;
  /** Bearer JWTs, when the operator configured an identity provider (jwt.ts); else API keys only. */
  jwt?: JwtVerifier;
}

/**
 * A token shaped like an API key goes to the key store, any other to the JWT verifier when there is
 * one. Every refusal is the same 401 with a challenge (RFC 6750: `invalid_token` for a JWT), its
 * message saying why; the provider's keys out of reach is a 503 — the token may well be good.
 */
export function authenticate({ keys, jwt }: AuthenticationDeps): RequestHandler {
  return async (req, res, next) => {
    const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
    if (token === undefined) throw refusal(res, jwt ? NO_TOKEN : NO_KEY);
    req.principal = looksLikeApiKey(token) || !jwt ? await keyPrincipal(keys, token, res) : await jwtPrincipal(jwt, token, res);
    next();
  };
}

async function keyPrincipal(keys: KeyStore, token: string, res: Response): Promise<Principal> {
  const principal = await keys.verify(token);
  if (principal) return principal;
  throw refusal(res, looksLikeApiKey(token) ? 'The API key is not valid (unknown or revoked)' : 'The bearer token is not an API key (ac_…), and this API accepts no other tokens');
}

async function jwtPrincipal(jwt: JwtVerifier, token: string, res: Response): Promise<Principal> {
  try {
    return await jwt.verify(token);
  } catch (error) {
    if (error instanceof TokenRefused) throw refusal(res, error.message, 'invalid_token');
    if (error instanceof IdentityProviderUnavailable) {
      // The request's log line says what failed (the fetch's own error); the caller is told to retry.
      res.err = error.cause instanceof Error ? error.cause : error;
      res.set('Retry-After', String(IDP_RETRY_AFTER_S));
      throw new HttpError(503, 'identity_provider_unavailable', error.message);
    }
    throw error;
  }
}

function refusal(res: Response, message: string, error?: 'invalid_token'): HttpError {
  res.set('WWW-Authenticate', error ? `${REALM}, error="${error}"` : REALM);
  return new HttpError(401, 'unauthenticated', message);
}

/** The authenticated caller of a route behind `authenticate`. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new HttpError(401, 'unauthenticated', NO_KEY);
  return req.principal;
}

/** A router whose every route is authorized by its entry in policy.ts before its handlers run. */
export function securedRouter(deps: AccessDeps): Router {
  const router = Router();
  const guard = authorize(deps);
  for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
    const register = router[method].bind(router) as (path: string, ...handlers: RequestHandler[]) => Router;
    (router as unknown as Record<string, unknown>)[method] = (path: string, ...handlers: RequestHandler[]) => register(path, guard, ...handlers);
  }
  return router;
}

function authorize(deps: AccessDeps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const principal = principalOf(req);
    const key = routeKey(req.method, req.baseUrl, (req.route as { path: string }).path);
    const roles = ROUTE_ACCESS[key] ?? [];
    if (!roles.includes(principal.role)) throw new HttpError(403, 'forbidden', `${/^[aeiou]/.test(principal.role) ? 'An' : 'A'} ${principal.role} may not call ${key}`);
    const params = req.params as Record<string, string>;
    const workflows = workflowsNamedBy(req.baseUrl, params);
    // The workflow a request concerns and its route pattern, for its log line and metrics (logging.ts, metrics.ts).
    res.locals.route = key;
    res.locals.workflowId = workflows.case ?? workflows.contract;
    // A customer filter in the query (GET /cases?customer=) names a customer as a path's id does.
    const filtered = typeof req.query.customer === 'string' ? req.query.customer : undefined;
    if (principal.role === 'customer') await requireOwnObjects(deps.client, principal, [params.customerId, filtered], workflows);
    next();
  };
}

interface NamedWorkflows {
  case?: string;
  contract?: string;
}

/** The workflows a route's path names: a case id under /remote or /on-site names that product's case, else the hotline's. */
function workflowsNamedBy(baseUrl: string, params: Record<string, string>): NamedWorkflows {
  const product = baseUrl === '/remote' ? 'remote' : baseUrl === '/on-site' ? 'on-site' : 'hotline';
  return {
    ...(params.caseId !== undefined && { case: caseWorkflowId(product, params.caseId) }),
    ...(params.contractId !== undefined && { contract: contractWorkflowId(params.contractId) }),
  };
}

/** Every customer and object the request names is the customer's own (objects: their `CustomerId` search attribute). */
async function requireOwnObjects(client: Client, principal: Principal, customerIds: (string | undefined)[], workflows: NamedWorkflows): Promise<void> {
  const owners: Promise<string | undefined>[] = [];
  for (const customerId of customerIds) if (customerId !== undefined) owners.push(Promise.resolve(customerId));
  for (const workflowId of [workflows.case, workflows.contract]) if (workflowId !== undefined) owners.push(customerOf(client, workflowId));
  for (const owner of await Promise.all(owners)) {
    if (owner !== principal.customerId) throw new HttpError(404, 'not_found', 'No such case, contract or customer');
  }
}

async function customerOf(client: Client, workflowId: string): Promise<string | undefined> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).typedSearchAttributes.get(CUSTOMER_ID);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}
