/** A business failure as every workflow raises it: a type from domain/failures.ts, never retried. */
import { ApplicationFailure } from '@temporalio/workflow';
import type { FailureType } from '../domain/failures';

export function businessFailure(type: FailureType, message: string, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, ...(details && { details }) });
}
