/**
 * Who may call what: one entry per route, looked up by the route's pattern. A route without an
 * entry is refused to everyone, so a new route is closed until it is given its roles here.
 */
import { API_ACTION_TYPES } from '../../domain/hotline-actions';
import type { OnSiteActionType } from '../../domain/on-site-actions';
import type { RemoteActionType } from '../../domain/remote-actions';
import type { Role } from './keys';

type ApiActionType = (typeof API_ACTION_TYPES)[number];

const STAFF: readonly Role[] = ['engineer', 'service-manager', 'ops', 'admin'];
const EVERYONE: readonly Role[] = [...STAFF, 'customer'];
const CASE_WORK: readonly Role[] = ['engineer', 'service-manager'];
const CUSTOMER: readonly Role[] = ['customer'];

/** Every action of the action table, each with its roles (the type makes a new action name its roles). */
const ACTION_ROLES: Record<ApiActionType, readonly Role[]> = {
  respond: CASE_WORK,
  'provide-solution': CASE_WORK,
  'change-severity': CASE_WORK,
  pause: CASE_WORK,
  resume: CASE_WORK,
  escalate: CASE_WORK,
  transfer: CASE_WORK,
  close: CASE_WORK,
  // Outcomes other than a solution are the service manager's (M001-3, M004-6).
  'record-outcome': ['service-manager'],
  confirm: CUSTOMER,
  reject: CUSTOMER,
  reopen: CUSTOMER,
};

/** Remote maintenance: the engineer works, the customer authorises, confirms and signs (M002-3). */
const REMOTE_ACTION_ROLES: Record<RemoteActionType, readonly Role[]> = {
  'agree-appointment': CASE_WORK,
  'state-scope': [...CASE_WORK, 'customer'],
  authorise: CUSTOMER,
  // By preset the customer backs up (001) or the engineer does (003).
  'report-backup': [...CASE_WORK, 'customer'],
  'report-work': CASE_WORK,
  'confirm-resolution': CUSTOMER,
  'reject-resolution': CUSTOMER,
  'give-advice': CASE_WORK,
  'sign-confirmation': CUSTOMER,
  withdraw: [...CASE_WORK, 'customer'],
};

/** On-site: the engineer works; the customer accepts who came, permits, consents, confirms and signs; the service manager approves experts (M003-6). */
const ON_SITE_ACTION_ROLES: Record<OnSiteActionType, readonly Role[]> = {
  'agree-appointment': CASE_WORK,
  reschedule: CASE_WORK,
  arrive: CASE_WORK,
  'accept-identity': CUSTOMER,
  'refuse-identity': CUSTOMER,
  'state-problem': [...CASE_WORK, 'customer'],
  'permit-backup': CUSTOMER,
  'report-backup': CASE_WORK,
  'report-diagnosis': CASE_WORK,
  'propose-solution': CASE_WORK,
  'consent-solution': CUSTOMER,
  'decline-solution': CUSTOMER,
  'request-consultation': CASE_WORK,
  'approve-consultation': ['service-manager'],
  'decline-consultation': ['service-manager'],
  'record-materials': CASE_WORK,
  'report-fix': CASE_WORK,
  'report-system-check': CASE_WORK,
  'record-findings': CASE_WORK,
  'confirm-resolution': CUSTOMER,
  'reject-resolution': CUSTOMER,
  'give-advice': CASE_WORK,
  'sign-work-order': CUSTOMER,
  'sign-materials-form': CUSTOMER,
  withdraw: [...CASE_WORK, 'customer'],
};

export const ROUTE_ACCESS: Readonly<Record<string, readonly Role[]>> = {
  'POST /cases': CASE_WORK,
  // A customer's search is narrowed to its own cases (cases/search.ts).
  'GET /cases': EVERYONE,
  'GET /cases/:caseId': EVERYONE,
  ...Object.fromEntries(API_ACTION_TYPES.map((type) => [`POST /cases/:caseId/${type}`, ACTION_ROLES[type]])),
  'POST /cases/:caseId/apply-contract': ['service-manager'],
  'GET /cases/:caseId/history': EVERYONE,
  'GET /cases/:caseId/call-backs/:solutionNumber': EVERYONE,
  'POST /cases/:caseId/call-backs/:solutionNumber/survey': CUSTOMER,
  'POST /remote': CASE_WORK,
  'GET /remote/:caseId': EVERYONE,
  ...Object.fromEntries(Object.entries(REMOTE_ACTION_ROLES).map(([type, roles]) => [`POST /remote/:caseId/${type}`, roles])),
  'POST /remote/:caseId/confirmation-scan': CUSTOMER,
  'GET /remote/:caseId/documents': EVERYONE,
  'GET /remote/:caseId/documents/:documentId': EVERYONE,
  'POST /on-site': CASE_WORK,
  'GET /on-site/:caseId': EVERYONE,
  ...Object.fromEntries(Object.entries(ON_SITE_ACTION_ROLES).map(([type, roles]) => [`POST /on-site/:caseId/${type}`, roles])),
  'POST /on-site/:caseId/work-order-scan': CUSTOMER,
  'POST /on-site/:caseId/materials-form-scan': CUSTOMER,
  'GET /on-site/:caseId/documents': EVERYONE,
  'GET /on-site/:caseId/documents/:documentId': EVERYONE,
  'POST /contracts': ['admin'],
  'GET /contracts/:contractId': EVERYONE,
  'GET /contracts/:contractId/amendments': EVERYONE,
  'POST /contracts/:contractId/amendments': ['service-manager', 'admin'],
  'POST /contracts/:contractId/apply-to-open-cases': ['service-manager'],
  'GET /customers/:customerId/contracts': EVERYONE,
  'GET /calendars/:region/official-days': EVERYONE,
  'POST /calendars/:region/official-days': ['admin'],
  'POST /calendars/working-time': EVERYONE,
  'POST /calendars/next-working-instant': EVERYONE,
  // The preview may name any contract in its body: staff only.
  'POST /deadlines/preview': STAFF,
  'GET /admin/api-keys': ['admin'],
  'POST /admin/api-keys': ['admin'],
  'DELETE /admin/api-keys/:keyId': ['admin'],
};

/** The access entry's key of a matched route: method and full pattern, without a trailing slash. */
export function routeKey(method: string, baseUrl: string, routePath: string): string {
  const full = `${baseUrl}${routePath}`;
  return `${method.toUpperCase()} ${full.length > 1 ? full.replace(/\/$/, '') : full}`;
}

/** The route pattern a concrete request path matches, for tools that only have the path (tests, logs). */
export function matchRoute(method: string, requestPath: string): string | undefined {
  const upper = method.toUpperCase();
  return Object.keys(ROUTE_ACCESS).find((key) => {
    const [keyMethod, pattern] = key.split(' ');
    if (keyMethod !== upper) return false;
    const expression = new RegExp(`^${pattern.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`);
    return expression.test(requestPath.split('?')[0]);
  });
}
