/** Contract terms for tests: a complete, valid set with overrides. */
import type { ContractTerms } from '../../domain/contract';

export function contractTerms(overrides: Partial<ContractTerms> = {}): ContractTerms {
  return {
    customer: { id: 'cust-contract', name: 'Acme Ltd', email: 'it@acme.example' },
    timeZone: 'Asia/Shanghai',
    servicePeriods: [{ kind: 'free', start: '2026-01-01', end: '2026-12-31' }],
    products: ['hotline'],
    policy: { preset: '001' },
    calendarData: { region: 'CN' },
    reclassification: 'default',
    freeTrainingSessionsPerYear: 3,
    vip: false,
    reminderDaysBeforeEnd: [30, 7],
    noticesOutsideWorkingTime: 'next-working-instant',
    noticeRecipients: ['desk@vendor.example'],
    preBreachWarning: { atPercent: 80 },
    ...overrides,
  };
}
