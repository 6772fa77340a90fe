/**
 * Authentication for every route but health and docs, and authorization by the route's entry in
 * policy.ts, with the one object-level check: a customer principal reaches only its own customer's
 * cases and contracts (anything else answers 404, as if it did not exist).
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { caseWorkflowId, contractWorkflowId } from '../../domain/products';
import { CUSTOMER_ID } from '../../workflows/search-attributes';
import { HttpError } from '../errors';
import type { KeyStore, Principal } from './keys';
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

export function authenticate({ keys }: Pick<AccessDeps, 'keys'>): RequestHandler {
  return async (req, res, next) => {
    const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
    const principal = token === undefined ? null : await keys.verify(token);
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer realm="aftercare"');
      throw new HttpError(401, 'unauthenticated', token === undefined ? NO_KEY : 'The API key is not valid (unknown or revoked)');
    }
    req.principal = principal;
    next();
  };
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
    if (!roles.includes(principal.role)) throw new HttpError(403, 'forbidden', `A ${principal.role} may not call ${key}`);
    const params = req.params as Record<string, string>;
    const workflows = workflowsNamedBy(params);
    // The workflow a request concerns, for its log line (logging.ts).
    res.locals.workflowId = workflows.case ?? workflows.contract;
    if (principal.role === 'customer') await requireOwnObjects(deps.client, principal, params.customerId, workflows);
    next();
  };
}

interface NamedWorkflows {
  case?: string;
  contract?: string;
}

/** The workflows a route's path names. */
function workflowsNamedBy(params: Record<string, string>): NamedWorkflows {
  return {
    ...(params.caseId !== undefined && { case: caseWorkflowId('hotline', params.caseId) }),
    ...(params.contractId !== undefined && { contract: contractWorkflowId(params.contractId) }),
  };
}

/** Every object the path names belongs to the customer (its `CustomerId` search attribute). */
async function requireOwnObjects(client: Client, principal: Principal, customerId: string | undefined, workflows: NamedWorkflows): Promise<void> {
  const owners: Promise<string | undefined>[] = [];
  if (customerId !== undefined) owners.push(Promise.resolve(customerId));
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
