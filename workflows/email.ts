/**
 * The e-mail activity as every workflow calls it, and how a workflow tells a permanent refusal
 * (the address is gone: record it, go on) from a failure it keeps retrying.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { EMAIL_REJECTED } from '../domain/email';

export const { sendEmail } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // The activity heartbeats while it talks to the mail server: a worker killed mid-send is noticed
  // in seconds and the e-mail retried elsewhere with the same Message-ID (the receiver's duplicate check).
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** The server's reason when it refused the e-mail for good; null for any other failure. */
export function emailRejectionOf(error: unknown): string | null {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === EMAIL_REJECTED ? error.cause.message : null;
}
