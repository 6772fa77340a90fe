/**
 * Entitlement at intake (R-001-1, D-10): inside a service period → covered; outside → refused with
 * the reason, or paid work when the request says so; software defects always accepted (002: free
 * for life).
 */
import { type EntitlementRequest, type ServicePeriod, checkEntitlement } from '../../domain/entitlement';

const FIRST_YEAR: ServicePeriod = { kind: 'free', start: '2025-03-01', end: '2026-02-28' };
const PAID_RENEWAL: ServicePeriod = { kind: 'paid', start: '2026-06-01', end: '2027-05-31' };

function request(overrides: Partial<EntitlementRequest>): EntitlementRequest {
  return { servicePeriods: [FIRST_YEAR, PAID_RENEWAL], reportedOn: '2025-09-01', problemType: 'operation', paidWorkRequested: false, ...overrides };
}

describe('inside a service period', () => {
  test.each([
    ['the first day (inclusive)', '2025-03-01', FIRST_YEAR],
    ['the middle', '2025-09-01', FIRST_YEAR],
    ['the last day (inclusive)', '2026-02-28', FIRST_YEAR],
    ['a paid renewal', '2026-07-15', PAID_RENEWAL],
  ])('is covered on %s', (_label, reportedOn, period) => {
    const decision = checkEntitlement(request({ reportedOn }));
    expect(decision).toEqual({ decision: 'covered', reason: expect.stringContaining(`${period.start} to ${period.end}`), period });
    expect(decision.reason).toContain(period.kind);
  });

  test('a request for paid work inside the period is still covered', () => {
    expect(checkEntitlement(request({ paidWorkRequested: true })).decision).toBe('covered');
  });
});

describe('outside every service period', () => {
  test('after the last period: refused, naming the end date', () => {
    const decision = checkEntitlement(request({ reportedOn: '2027-06-01' }));
    expect(decision.decision).toBe('refused');
    expect(decision.reason).toContain('the service period ended on 2027-05-31');
  });

  test('the day before the first period starts: refused, naming the next start', () => {
    const decision = checkEntitlement(request({ reportedOn: '2025-02-28' }));
    expect(decision.decision).toBe('refused');
    expect(decision.reason).toContain('the next starts on 2025-03-01');
  });

  test('in the gap between two periods: refused, naming the next start', () => {
    const decision = checkEntitlement(request({ reportedOn: '2026-03-01' }));
    expect(decision.decision).toBe('refused');
    expect(decision.reason).toContain('no service period covers 2026-03-01');
    expect(decision.reason).toContain('the next starts on 2026-06-01');
  });

  test('a customer with no service period at all: refused', () => {
    const decision = checkEntitlement(request({ servicePeriods: [] }));
    expect(decision).toEqual({ decision: 'refused', reason: expect.stringContaining('the customer has no service period') });
  });

  test.each(['data', 'requirement', 'environment', 'operation'] as const)('a %s problem with paid work requested starts as paid work, with the reason', (problemType) => {
    const decision = checkEntitlement(request({ reportedOn: '2027-06-01', problemType, paidWorkRequested: true }));
    expect(decision).toEqual({ decision: 'paid-work', reason: expect.stringContaining('the service period ended on 2027-05-31') });
  });

  test('without paid work requested, the refusal says how to proceed', () => {
    expect(checkEntitlement(request({ reportedOn: '2027-06-01' })).reason).toMatch(/paid work/i);
  });
});

describe('software defects where the preset fixes them for life (002)', () => {
  test.each([
    ['after the last period', [FIRST_YEAR, PAID_RENEWAL], '2030-01-01'],
    ['in a gap', [FIRST_YEAR, PAID_RENEWAL], '2026-04-01'],
    ['with no period at all', [], '2025-09-01'],
  ])('are always accepted, free: %s', (_label, servicePeriods, reportedOn) => {
    const decision = checkEntitlement(request({ servicePeriods, reportedOn, problemType: 'bug', defectsAlwaysCovered: true }));
    expect(decision.decision).toBe('covered');
    expect(decision.reason).toMatch(/defects are always accepted/);
  });

  test('are refused outside the periods where the preset fixes them only within (000, 001, 004)', () => {
    const decision = checkEntitlement(request({ reportedOn: '2030-01-01', problemType: 'bug', defectsAlwaysCovered: false }));
    expect(decision.decision).toBe('refused');
  });

  test('are covered by the period (not as an exception) when reported inside it', () => {
    expect(checkEntitlement(request({ problemType: 'bug' }))).toMatchObject({ decision: 'covered', period: FIRST_YEAR });
  });

  test('are never turned into paid work', () => {
    expect(checkEntitlement(request({ reportedOn: '2030-01-01', problemType: 'bug', paidWorkRequested: true, defectsAlwaysCovered: true })).decision).toBe('covered');
  });
});
