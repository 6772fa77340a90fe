/**
 * A small product built only from the case core and runtime, to show a new product needs no copy
 * of clock, closing, notice or loop code: an appointment is agreed (the response), the check is
 * done (the solution), and the customer confirms or stays silent. Its body reads as its steps.
 */
import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { meetEvent } from '../../../domain/case/clock';
import { confirmSolution, giveSolution } from '../../../domain/case/closing';
import { type CaseCore, type CoreIntake, openCore } from '../../../domain/case/core';
import { recordEntry } from '../../../domain/case/record';
import { PolicyCalendars } from '../../../domain/sla-windows';
import { Changes, runBeside } from '../../../workflows/case-runtime';

export { satisfactionCallBackWorkflow } from '../../../workflows/satisfaction-call-back';

export const appointmentAgreed = defineSignal<[{ by: string; at: string }]>('appointment-agreed');
export const checkDone = defineSignal<[{ by: string; report: string }]>('check-done');
export const confirmed = defineSignal<[{ by: string }]>('confirm');
export const smallCaseQuery = defineQuery<CaseCore>('state');

export async function smallCheckWorkflow(intake: Omit<CoreIntake, 'events'>): Promise<CaseCore> {
  const state = openCore({ ...intake, events: ['response', 'solution'] }, Date.now(), new PolicyCalendars(intake.policy));
  const calendars = new PolicyCalendars(state.policy);
  const changes = new Changes();
  let appointment: { by: string; at: string } | undefined;
  let report: { by: string; report: string } | undefined;
  setHandler(smallCaseQuery, () => state);
  setHandler(appointmentAgreed, (agreed) => {
    appointment = agreed;
    changes.bump();
  });
  setHandler(checkDone, (done) => {
    report = done;
    changes.bump();
  });
  let confirmation: { by: string } | undefined;
  setHandler(confirmed, (confirm) => {
    confirmation = confirm;
    changes.bump();
  });

  const beside = { status: () => state.stage, calendars: () => calendars, describe: 'your health check' };
  await runBeside(state, changes, beside, async () => {
    await condition(() => appointment !== undefined);
    meetEvent(state, 'response', Date.now(), calendars);
    recordEntry(state, Date.now(), 'appointment-agreed', appointment!.by, appointment!.at);
    changes.bump();

    await condition(() => report !== undefined);
    giveSolution(state, report!.report, report!.by, Date.now(), calendars);
    changes.bump();

    // Confirmed, or closed by the core after silence (auto-close, then final close).
    await condition(() => confirmation !== undefined || state.stage === 'closed');
    if (state.stage !== 'closed') {
      confirmSolution(state, Date.now());
      recordEntry(state, Date.now(), 'confirmed', confirmation!.by);
      changes.bump();
    }
  });
  return state;
}
