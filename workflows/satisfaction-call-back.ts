/**
 * Satisfaction call-back (003 §4, R-003-5): within 48 h of a solution the service manager calls the customer
 * and records the engineer's speed and quality. A missed call-back is a recorded breach.
 */
import { allHandlersFinished, condition, defineQuery, defineUpdate, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { CALL_BACK } from '../domain/products';
import { ZoneOffsets, formatInstant } from '../domain/time-zone';
import { BREACHED, CASE_STATUS, CUSTOMER_ID, PRODUCT } from './search-attributes';
import { countBreach } from './case-metrics';
import { businessFailure } from './failures';

export interface CallBackInput {
  caseId: string;
  customerId: string;
  timeZone: string;
  solutionNumber: number;
  solvedAtMs: number;
  withinHours: number;
  engineer: string;
}

export interface Survey {
  by: string;
  /** 1 (poor) to 5 (excellent). */
  speed: number;
  quality: number;
  comment?: string;
}

export interface CallBackState {
  caseId: string;
  solutionNumber: number;
  /** The customer's zone, in which the API shows the instants (absent in runs before it was kept). */
  timeZone?: string;
  status: 'due' | 'done' | 'missed';
  dueMs: number;
  survey: (Survey & { atMs: number }) | null;
  missedMs: number | null;
}

export const recordSurveyUpdate = defineUpdate<CallBackState, [Survey]>('record-survey');
export const callBackStateQuery = defineQuery<CallBackState>('state');

export async function satisfactionCallBackWorkflow(input: CallBackInput): Promise<CallBackState> {
  const state: CallBackState = {
    caseId: input.caseId,
    solutionNumber: input.solutionNumber,
    timeZone: input.timeZone,
    status: 'due',
    dueMs: input.solvedAtMs + input.withinHours * 3_600_000,
    survey: null,
    missedMs: null,
  };
  setHandler(callBackStateQuery, () => state);
  setHandler(
    recordSurveyUpdate,
    (survey) => {
      state.survey = { ...survey, atMs: Date.now() };
      state.status = 'done';
      return state;
    },
    {
      validator: (survey) => {
        if (state.status !== 'due') throw businessFailure('InvalidState', `The call-back is already ${state.status}`);
        for (const score of [survey.speed, survey.quality]) {
          if (!Number.isInteger(score) || score < 1 || score > 5) throw businessFailure('InvalidSurvey', 'Scores are whole numbers from 1 to 5');
        }
      },
    },
  );
  upsertSearchAttributes([
    { key: PRODUCT, value: CALL_BACK },
    { key: CUSTOMER_ID, value: input.customerId },
    { key: CASE_STATUS, value: 'due' },
    { key: BREACHED, value: false },
  ]);

  const due = formatInstant(state.dueMs, new ZoneOffsets(input.timeZone));
  const done = await condition(() => state.status === 'done', Math.max(1, state.dueMs - Date.now()), { summary: `Call-back window, due ${due}` });
  if (!done) {
    state.status = 'missed';
    state.missedMs = Date.now();
    countBreach(CALL_BACK, 'call-back');
  }
  upsertSearchAttributes([
    { key: CASE_STATUS, value: state.status },
    { key: BREACHED, value: state.status === 'missed' },
  ]);
  await condition(allHandlersFinished);
  return state;
}
