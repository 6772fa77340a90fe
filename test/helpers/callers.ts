/** Callers of the API for tests and the bench: an API key per role, made once each. */
import { type KeyStore, type Role } from '../../api/access/keys';
import { ROUTE_ACCESS, matchRoute } from '../../api/access/policy';

/** Who calls: a staff role (its usual principal) or a customer principal of one customer. */
export type Caller = Exclude<Role, 'customer'> | { customer: string };

/** The principal each staff role calls as (what the records then show as `by`). */
export const STAFF_PRINCIPALS: Record<Exclude<Role, 'customer'>, string> = {
  engineer: 'agent-li',
  'service-manager': 'manager-zhao',
  ops: 'ops-chen',
  admin: 'admin-wu',
};

/** A customer's principal: the contact who acts for it. */
export const customerPrincipal = (customerId: string) => `contact-${customerId}`;

/** The staff role a route is called as unless a caller is named: the first of these it allows. */
const USUAL_ROLES: Exclude<Role, 'customer'>[] = ['engineer', 'service-manager', 'admin', 'ops'];

/** Undefined for a customer-only route (the caller must say which customer). */
export function usualCaller(method: string, route: string): Caller | undefined {
  const key = matchRoute(method, route);
  return key === undefined ? 'engineer' : USUAL_ROLES.find((role) => ROUTE_ACCESS[key].includes(role));
}

/** `Authorization` header values by caller, each key created in `keys` on first use. */
export function bearers(keys: KeyStore): (caller: Caller) => Promise<string> {
  const made = new Map<string, Promise<string>>();
  return (caller) => {
    const request =
      typeof caller === 'string'
        ? { principal: STAFF_PRINCIPALS[caller], role: caller }
        : { principal: customerPrincipal(caller.customer), role: 'customer' as const, customerId: caller.customer };
    const id = JSON.stringify(request);
    if (!made.has(id))
      made.set(
        id,
        keys.create(request).then(({ key }) => `Bearer ${key}`),
      );
    return made.get(id)!;
  };
}
