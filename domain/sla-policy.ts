/**
 * SLA policies as data (D-1): per severity level, a list of windows, each with its duration
 * (or range, due at the upper bound), the calendar it counts in and the event that meets it.
 * The six presets are the source documents' schemes; a contract may carry its own policy.
 */
import type { CalendarSpec, TimeRange, Weekday } from './calendar';
import type { DefectRule, RequirementRule } from './entitlement';

/** Whether an event meets a window of this spec. */
export function isMetBy(spec: Pick<WindowSpec, 'metBy' | 'alsoMetBy'>, event: MeetingEvent): boolean {
  return spec.metBy === event || (spec.alsoMetBy?.includes(event) ?? false);
}

/** The case event that meets a window: a remote session's start and an on-site arrival come from those products. */
export const MEETING_EVENTS = ['response', 'solution', 'arrival', 'remote-start'] as const;
export type MeetingEvent = (typeof MEETING_EVENTS)[number];

/** What a window commits to, whatever its name: time carries between windows of one role (D-7). */
export type WindowRole = 'response' | 'resolution' | 'arrival';

export interface WindowSpec {
  name: string;
  label: string;
  /** Defaults to the role of its meeting event (response, solution → resolution, arrival). */
  role?: WindowRole;
  /** Lower bound of a range such as 001's "1–12 working hours"; shown, never enforced. */
  minMinutes?: number;
  /** The window is due when this much working time has passed. */
  maxMinutes: number;
  /** Key into the policy's calendars. */
  calendar: string;
  metBy: MeetingEvent;
  /** Other events that meet it too: whichever comes first (002 software C, R-002-1). */
  alsoMetBy?: MeetingEvent[];
  /** Once the case goes on site, the window gives the arrival this long instead (002 software C: 24 h, R-002-1). */
  onSiteMaxMinutes?: number;
}

export interface LevelSpec {
  id: string;
  label: string;
  windows: WindowSpec[];
}

/**
 * How a severity change treats the open windows (D-6, D-7):
 * - `default`: a more severe level restarts them when confirmed (002); a less severe one keeps the
 *   working time already used (D-6).
 * - `restart`, `carry-elapsed`, `from-report`: always that rule.
 */
export type ReclassificationRule = 'default' | 'restart' | 'carry-elapsed' | 'from-report';

/** When the clock starts: at the report, or at the next working instant of a calendar (002). */
export type ClockStart = { kind: 'reported' } | { kind: 'next-working-instant'; calendar: string };

export interface SlaPolicy {
  id: string;
  name: string;
  /** Most severe first: the order decides what counts as an upgrade. */
  levels: LevelSpec[];
  calendars: Record<string, CalendarSpec>;
  clockStart: ClockStart;
  /** Escalation tiers, first contact first (C11). */
  escalationTiers: string[];
  /** The tier a case enters at (1-based): 000's tier 1 is the customer's own operators (M000-5). */
  entryTier?: number;
  /**
   * Working time a case may stay unsolved at each tier before it moves up (D-9; the seeds set
   * none): one entry per tier but the last, counted in the calendar of the level's first window.
   */
  minutesAtTier?: number[];
  reclassification: ReclassificationRule;
  /**
   * Under the `default` rule, a more severe level restarts the open windows when it is confirmed
   * (002's rule, R-002-2). Without it, the time used is carried and no due instant moves later.
   */
  upgradeRestartsClock?: boolean;
  /** Policies snapshotted before `defects`: defects fixed free outside the service periods (002). */
  defectsAlwaysCovered?: boolean;
  /** How software defects are treated outside the service periods; every policy states it (C4). */
  defects?: DefectRule;
  /** How new requirements are routed; without it, paid custom development (D-11). */
  requirements?: RequirementRule;
  /** Terms of remote maintenance; without them, `DEFAULT_REMOTE_TERMS`. */
  remote?: RemoteTerms;
  /** Terms of on-site visits; without them, `DEFAULT_ON_SITE_TERMS`. */
  onSite?: OnSiteTerms;
}

/** Who backs up before remote work and how long a remote session may stay open (C6, a contract term). */
export interface RemoteTerms {
  /** 001: the customer backs up and nothing starts before it reports it done (M001-2); 003: the engineer does. */
  backupBy: 'customer' | 'engineer';
  /** The port closes by itself after this long (the seeds set no figure: design). */
  sessionLimitMinutes: number;
}

export const DEFAULT_REMOTE_TERMS: RemoteTerms = { backupBy: 'engineer', sessionLimitMinutes: 4 * 60 };

export function remoteTermsOf(policy: SlaPolicy): RemoteTerms {
  return policy.remote ?? DEFAULT_REMOTE_TERMS;
}

/** Where the site is, as 001 sets arrival (C8): in the vendor's city, or in its suburbs or another city. */
export const SITE_ZONES = ['city', 'elsewhere'] as const;
export type SiteZone = (typeof SITE_ZONES)[number];

/** An arrival commitment the visit opens when the level has no arrival window of its own (C8). */
export interface ArrivalTerm {
  maxMinutes: number;
  calendar: string;
}

/**
 * Who pays for a visit (C7): `paid` — a paid service, the customer pays travel (001, M001-1);
 * `deployment-only` — on site only while deploying, as part of it (000, M000-3); `free-in-period` — free
 * inside a service period, paid outside it (004, M004-1; 002 by design, its free year M002-5).
 */
export const ON_SITE_BILLING = ['paid', 'deployment-only', 'free-in-period'] as const;
export type OnSiteBilling = (typeof ON_SITE_BILLING)[number];

export interface OnSiteTerms {
  billing: OnSiteBilling;
  /** Arrival by where the site is, counted from the visit's opening (001: city 48 h, elsewhere 3 working days). */
  arrivalBySite?: Partial<Record<SiteZone, ArrivalTerm>>;
  /** A level's own arrival, before the site's (001 L1: 24 h once remote is ruled out). */
  arrivalByLevel?: Record<string, ArrivalTerm>;
}

export const DEFAULT_ON_SITE_TERMS: OnSiteTerms = { billing: 'free-in-period' };

export function onSiteTermsOf(policy: SlaPolicy): OnSiteTerms {
  return policy.onSite ?? DEFAULT_ON_SITE_TERMS;
}

/**
 * The arrival the visit itself commits to, or null: a level with an arrival window of its own (002
 * hardware), or one whose window an arrival meets too (002 software C, R-002-1), opens no second.
 */
export function visitArrivalTerm(policy: SlaPolicy, levelId: string, site: SiteZone): ArrivalTerm | null {
  const level = findLevel(policy, levelId);
  if (level?.windows.some((spec) => isMetBy(spec, 'arrival'))) return null;
  const terms = onSiteTermsOf(policy);
  return terms.arrivalByLevel?.[levelId] ?? terms.arrivalBySite?.[site] ?? null;
}

/** 000 offers on-site support only during deployment (M000-3). */
export const VISIT_PURPOSES = ['support', 'deployment'] as const;
export type VisitPurpose = (typeof VISIT_PURPOSES)[number];

/** Why the policy offers no visit for this purpose, or null. */
export function visitRefusal(policy: SlaPolicy, purpose: VisitPurpose): string | null {
  if (onSiteTermsOf(policy).billing === 'deployment-only' && purpose !== 'deployment') {
    return `Policy ${policy.id} offers on-site support only during deployment; help comes by hotline or remote maintenance`;
  }
  return null;
}

export const PRESET_IDS = ['000', '000-application', '001', '002-software', '002-hardware', '004'] as const;
export type PresetId = (typeof PRESET_IDS)[number];
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const ALL_DAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WORK_DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

function everyDay(days: Weekday[], ranges: TimeRange[], timeZone: string): CalendarSpec {
  return { timeZone, weekly: Object.fromEntries(days.map((day) => [day, ranges])) };
}

/** The standard calendars the presets name (C2, D-20), in a given zone. */
export function standardCalendars(timeZone = DEFAULT_TIME_ZONE): Record<string, CalendarSpec> {
  return {
    '24x7': everyDay(ALL_DAYS, [['00:00', '24:00']], timeZone),
    '5x24': everyDay(WORK_DAYS, [['00:00', '24:00']], timeZone),
    '5x8': everyDay(
      WORK_DAYS,
      [
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ],
      timeZone,
    ),
    // 001 has three calendars: hotline 9–12 + 13–18, response clock 8:30–17:30, on-site 9–18.
    '001-hotline': everyDay(
      WORK_DAYS,
      [
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ],
      timeZone,
    ),
    '001-response': everyDay(WORK_DAYS, [['08:30', '17:30']], timeZone),
    '001-onsite': everyDay(WORK_DAYS, [['09:00', '18:00']], timeZone),
  };
}

const H = 60;

function window(name: string, label: string, maxMinutes: number, calendar: string, metBy: MeetingEvent, minMinutes?: number): WindowSpec {
  return minMinutes === undefined ? { name, label, maxMinutes, calendar, metBy } : { name, label, maxMinutes, calendar, metBy, minMinutes };
}

function pick(calendars: Record<string, CalendarSpec>, ...names: string[]): Record<string, CalendarSpec> {
  return Object.fromEntries(names.map((name) => [name, calendars[name]]));
}

/** A preset policy in the given time zone (default Asia/Shanghai). */
export function presetPolicy(id: PresetId, timeZone = DEFAULT_TIME_ZONE): SlaPolicy {
  const calendars = standardCalendars(timeZone);
  const base = {
    reclassification: 'default' as const,
    clockStart: { kind: 'reported' } as ClockStart,
    defectsAlwaysCovered: false,
    defects: 'in-period' as DefectRule,
    requirements: 'paid' as RequirementRule,
  };
  const crm = { defects: 'support-unlimited' as const, requirements: 'first-year-changes' as const };
  switch (id) {
    case '000': {
      const level = (n: string, response: number, diagnosis: number): LevelSpec => ({
        id: n,
        label: `Fault level ${n}`,
        windows: [window('response', 'Response', response, '24x7', 'response'), window('diagnosis', 'Diagnosis', diagnosis, '24x7', 'solution')],
      });
      return {
        ...base,
        ...crm,
        id,
        name: '000 CRM vendor: fault levels (24×7)',
        levels: [level('1', 30, 4 * H), level('2', 1 * H, 8 * H), level('3', 1 * H, 24 * H)],
        calendars: pick(calendars, '24x7'),
        escalationTiers: ['Tier 1: customer-side operators', 'Tier 2: vendor customer support'],
        entryTier: 2,
        onSite: { billing: 'deployment-only' },
      };
    }
    case '000-application':
      return {
        ...base,
        ...crm,
        id,
        name: '000 CRM vendor: application scale',
        levels: [
          { id: 'critical', label: 'Critical application', windows: [window('response', 'Response', 1 * H, '24x7', 'response')] },
          // "1 working day" = one 8-hour day of the 5×8 calendar.
          { id: 'other', label: 'Other application', windows: [window('response', 'Response', 8 * H, '5x8', 'response')] },
        ],
        calendars: pick(calendars, '24x7', '5x8'),
        escalationTiers: ['Tier 1: customer-side operators', 'Tier 2: vendor customer support'],
        entryTier: 2,
        onSite: { billing: 'deployment-only' },
      };
    case '001': {
      const level = (levelId: string, label: string, maxHours: number, minHours?: number): LevelSpec => ({
        id: levelId,
        label,
        windows: [window('response', 'Response', maxHours * H, '001-response', 'response', minHours === undefined ? undefined : minHours * H)],
      });
      return {
        ...base,
        id,
        name: '001 OA vendor: response in working hours (8:30–17:30)',
        levels: [
          level('L1', 'System down', 1),
          level('L2', 'Core function damaged', 8),
          level('L3', 'Part of a function', 12, 1),
          level('L4', 'Information / consultation', 16, 1),
          level('non-fault', 'Non-fault (suggestion or change)', 24, 1),
        ],
        calendars: pick(calendars, '001-response', '001-onsite', '24x7'),
        escalationTiers: ['Local service specialist', 'Dedicated maintenance team', 'Product and technical experts'],
        remote: { ...DEFAULT_REMOTE_TERMS, backupBy: 'customer' },
        // C8, M001-7: city 48 h elapsed; elsewhere 3 working days of the on-site calendar (9 h each); L1 24 h.
        onSite: {
          billing: 'paid',
          arrivalBySite: { city: { maxMinutes: 48 * H, calendar: '24x7' }, elsewhere: { maxMinutes: 3 * 9 * H, calendar: '001-onsite' } },
          arrivalByLevel: { L1: { maxMinutes: 24 * H, calendar: '24x7' } },
        },
      };
    }
    case '002-software':
      return {
        ...base,
        defectsAlwaysCovered: true,
        defects: 'free-for-life',
        upgradeRestartsClock: true,
        id,
        name: '002 integrator: software (C worst)',
        // Clocks start at the first working time after the request, then count elapsed hours.
        clockStart: { kind: 'next-working-instant', calendar: '5x8' },
        levels: [
          // Each 002 software level makes one commitment: a move between levels carries it (D-7).
          // "Remote work starts within 12 h or someone is on site within 24 h" (R-002-1): one window, met by
          // whichever comes first, or by a solution; a response alone does not meet it.
          {
            id: 'C',
            label: 'System-level problem',
            windows: [
              { ...window('remote-start', 'Remote work started or on site', 12 * H, '24x7', 'remote-start'), alsoMetBy: ['arrival', 'solution'], onSiteMaxMinutes: 24 * H, role: 'resolution' },
            ],
          },
          { id: 'B', label: 'Complex operational problem', windows: [window('resolution', 'Solved remotely', 24 * H, '24x7', 'solution')] },
          { id: 'A', label: 'Operational problem', windows: [window('resolution', 'Solved remotely', 12 * H, '24x7', 'solution')] },
        ],
        calendars: pick(calendars, '24x7', '5x8'),
        escalationTiers: ['Engineer', 'Direct supervisor'],
      };
    case '002-hardware':
      return {
        ...base,
        defectsAlwaysCovered: true,
        defects: 'free-for-life',
        upgradeRestartsClock: true,
        id,
        name: '002 integrator: hardware (A worst)',
        levels: [
          // Reply in the level's coverage; arrival (when a visit is decided) in elapsed hours from the request (R-002-4).
          { id: 'A', label: 'Severe', windows: [window('arrival', 'On site', 1 * H, '24x7', 'arrival')] },
          { id: 'B', label: 'General', windows: [window('response', 'Reply', 1 * H, '5x24', 'response'), window('arrival', 'On site', 24 * H, '24x7', 'arrival')] },
          { id: 'C', label: 'Minor', windows: [window('response', 'Reply', 2 * H, '5x8', 'response'), window('arrival', 'On site', 72 * H, '24x7', 'arrival')] },
          { id: 'D', label: 'Normal (periodic maintenance)', windows: [] },
        ],
        calendars: pick(calendars, '24x7', '5x24', '5x8'),
        escalationTiers: ['Engineer', 'Direct supervisor'],
      };
    case '004':
      return {
        ...base,
        requirements: 'small-changes',
        id,
        name: '004 outsourcing: 7×24',
        levels: [
          { id: 'standard', label: 'Standard', windows: [window('response', 'Response', 30, '24x7', 'response'), window('restore', 'Restore', 2 * H, '24x7', 'solution')] },
          { id: 'complex', label: 'Complex', windows: [window('response', 'Response', 30, '24x7', 'response'), window('restore', 'Restore', 24 * H, '24x7', 'solution')] },
        ],
        calendars: pick(calendars, '24x7'),
        escalationTiers: ['Hotline', 'Service consultant', 'Headquarters / development team'],
        onSite: { billing: 'free-in-period' },
      };
  }
}

/** D-9 default: a tier has one day of its clock's working time (24 h on 24×7, three days on 8-hour days). */
export const DEFAULT_MINUTES_AT_TIER = 24 * 60;

export function minutesAtTier(policy: SlaPolicy, tier: number): number {
  return policy.minutesAtTier?.[tier - 1] ?? DEFAULT_MINUTES_AT_TIER;
}

export function roleOf(spec: Pick<WindowSpec, 'role' | 'metBy'>): WindowRole {
  return spec.role ?? (spec.metBy === 'response' ? 'response' : spec.metBy === 'arrival' ? 'arrival' : 'resolution');
}

export function findLevel(policy: SlaPolicy, levelId: string): LevelSpec | undefined {
  return policy.levels.find((level) => level.id === levelId);
}

/** Negative when `a` is more severe than `b`. */
export function compareSeverity(policy: SlaPolicy, a: string, b: string): number {
  const ids = policy.levels.map((level) => level.id);
  return ids.indexOf(a) - ids.indexOf(b);
}
