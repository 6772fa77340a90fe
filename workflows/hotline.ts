/**
 * Hotline case: durable timers enforce the response and diagnosis windows in working
 * time, actions arrive as signals or updates, and a solved case closes on confirmation, or — when
 * its channel is one that does (D-23) — by itself after a month of silence, reopenable for a month
 * more (R-001-8). The clock, closing, notices and the loop are the shared case core and runtime;
 * this file wires the hotline's state machine to them.
 */
import { continueAsNew, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { HOTLINE_ACTION_TYPES, type HotlineAction, type HotlineActionType, parseAction } from '../domain/hotline-actions';
import type { HotlineCase, HotlineIntake } from '../domain/hotline-case';
import { NotEntitledError, applyAction, applyReport, applyTime, createHotlineCase, refusalOf, upgradeCarriedCase } from '../domain/hotline-case';
import { followsSeedRules } from '../domain/case/clock';
import { recordEntry, rememberUpdate, updateAlreadyApplied } from '../domain/case/record';
import { PolicyCalendars } from '../domain/sla-windows';
import { Changes, MAX_UPDATES_PER_RUN, caseLoopSteps, handleActions, runLoop } from './case-runtime';
import { caseStateQuery, hotlineSignals, hotlineUpdates, intakeUpdate } from './messages';
import { businessFailure } from './failures';
import { productReportSignal, startHandoffs } from './handoff';

/** Runs started before remote maintenance existed refused every transfer; their histories replay so. */
const HOTLINE_TRANSFER = 'hotline-transfer';

export interface HotlineWorkflowInput {
  intake: HotlineIntake;
  /** State carried across continue-as-new (a case reopened many times). */
  carried?: HotlineCase;
}

export interface HotlineResult {
  caseId: string;
  status: HotlineCase['status'];
  closeReason: string | null;
  breaches: HotlineCase['breaches'];
}

export async function hotlineWorkflow(input: HotlineWorkflowInput): Promise<HotlineResult> {
  const state = input.carried
    ? upgradeCarriedCase(input.carried)
    : // The intake says which rules the case runs under; intakes recorded before it said so are rules 1.
      openCase({ ...input.intake, rules: input.intake.rules ?? 1 }, new PolicyCalendars(input.intake.policy));
  // The calendars follow the case's policy, which an applied contract amendment replaces.
  let calendars = new PolicyCalendars(state.policy);
  const currentCalendars = () => {
    if (calendars.policy !== state.policy) calendars = new PolicyCalendars(state.policy);
    return calendars;
  };
  if (!input.carried) for (const warning of state.warnings) log.warn(warning, { caseId: state.caseId });
  const seedRules = followsSeedRules(state);
  const transferInService = patched(HOTLINE_TRANSFER);
  const changes = new Changes();
  let intakeAcknowledged = input.carried !== undefined;

  // An action not taken (a refused signal, an unexpected input) stays on the case's record.
  const recordNotTaken = (entryType: string) => (by: string, type: HotlineActionType, message: string, nowMs: number) => {
    recordEntry(state, nowMs, entryType, by, `${type}: ${message}`);
    changes.bump();
  };
  const actions = handleActions<HotlineActionType, HotlineAction>({
    types: HOTLINE_ACTION_TYPES,
    signals: hotlineSignals,
    updates: hotlineUpdates,
    // Cases opened under rules 1 took any payload their state machine accepted (a signal from the
    // Web UI without a reason, say); their recorded histories replay only that way.
    parse: (type, payload) => (seedRules ? parseAction(type, payload) : { action: { ...(payload as object), type } as HotlineAction }),
    refusalOf: (action, nowMs) =>
      action.type === 'transfer' && !transferInService
        ? { type: 'TransferUnavailable', message: `Transfer to ${action.to} is not available in this run of the case; it is once the case continues as new` }
        : refusalOf(state, action, nowMs),
    state,
    signalRefusal: (type) => (type === 'apply-contract' ? { type: 'InvalidState', message: 'a contract is applied through the API, which sends its checked snapshot as an update' } : null),
    apply: (action, nowMs) => {
      // Time first: the validator judged the action by the status due now (see refusalOf).
      applyTime(state, nowMs, currentCalendars());
      applyAction(state, action, nowMs, currentCalendars());
      changes.bump();
    },
    ignored: recordNotTaken('ignored'),
    unexpected: recordNotTaken('unexpected-input'),
    result: () => ({ revision: changes.revision, status: state.status }),
    appliedUpdates: { has: (updateId) => updateAlreadyApplied(state, updateId), add: (updateId) => rememberUpdate(state, updateId) },
  });
  // A product the case was handed to reports acceptance (R-003-2, 首问责任制), events and its outcome (M003-3).
  setHandler(productReportSignal, (report) => {
    const nowMs = Date.now();
    applyTime(state, nowMs, currentCalendars());
    if (!applyReport(state, report, nowMs, currentCalendars()))
      recordEntry(state, nowMs, 'ignored', report.by, `product-report ${report.kind} from ${report.product}: no hand-over to it is running`);
    changes.bump();
  });
  setHandler(caseStateQuery, () => state);
  setHandler(intakeUpdate, () => {
    const created = !intakeAcknowledged;
    intakeAcknowledged = true;
    return created ? { created, state } : { created };
  });

  const caseSteps = caseLoopSteps(
    state,
    {
      status: () => state.status,
      calendars: currentCalendars,
      // Under rules 2 the API sets the first search attributes at start (and continue-as-new copies
      // them): the first task need not write them again. Earlier runs always wrote them first.
      startedWith: seedRules ? workflowInfo().typedSearchAttributes : undefined,
    },
    changes,
  );
  await runLoop(
    {
      ...caseSteps,
      carryOutEffects: async (final) => {
        await caseSteps.carryOutEffects(final);
        await startHandoffs(state, state.owner, state.entitlement.decision === 'covered' ? state.entitlement.period : undefined);
      },
      finished: () => state.status === 'closed',
      continueAsNew: () => continueAsNew<typeof hotlineWorkflow>({ intake: input.intake, carried: state }),
      runIsLong: () => actions.updatesThisRun() >= MAX_UPDATES_PER_RUN,
      applyTime: (nowMs) => applyTime(state, nowMs, currentCalendars()),
    },
    changes,
    // Cases opened under rules 2 were started by code that wakes for actions during effects.
    { wakeForActionsDuringEffects: seedRules },
  );
  return { caseId: state.caseId, status: state.status, closeReason: state.closeReason, breaches: state.breaches };
}

function openCase(intake: HotlineIntake, calendars: PolicyCalendars): HotlineCase {
  try {
    return createHotlineCase(intake, Date.now(), calendars);
  } catch (error) {
    if (error instanceof NotEntitledError) throw businessFailure('NotEntitled', error.message);
    throw businessFailure('InvalidIntake', (error as Error).message);
  }
}
