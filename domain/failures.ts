/**
 * Every business failure a workflow or the API raises, by type, and what kind of answer it is.
 * Workflows throw `ApplicationFailure` with these types; the API maps the kind to an HTTP status.
 */
export const FAILURES = {
  /** The action is not allowed in the case's current state. */
  InvalidState: 'conflict',
  YearExists: 'conflict',
  /** The request names something the policy or schema does not have. */
  UnknownSeverity: 'invalid',
  InvalidSurvey: 'invalid',
  InvalidAmendment: 'invalid',
  InvalidIntake: 'invalid',
  InvalidOfficialDays: 'invalid',
  InvalidAction: 'invalid',
  MalformedSignal: 'invalid',
  /** Passed every check and still could not be applied; recorded on the case, nothing changed. */
  UnexpectedInput: 'invalid',
  /** A business rule refuses it (entitlement, a product not in service). */
  TransferUnavailable: 'refused',
  NotEntitled: 'refused',
  /** The policy offers no visit for this purpose (000: on site only while deploying). */
  VisitNotOffered: 'refused',
  /** Remote login details gone (destroyed with their case) or sealed under a key no longer held. */
  LoginDetailsUnavailable: 'refused',
  LoginDetailsUnreadable: 'refused',
  /** A document id that names nothing in the store; a scan that is neither PDF nor image. */
  DocumentMissing: 'not-found',
  InvalidDocument: 'invalid',
} as const;

export type FailureType = keyof typeof FAILURES;
export type FailureKind = (typeof FAILURES)[FailureType];

export function failureKind(type: string | undefined | null): FailureKind | undefined {
  return type !== undefined && type !== null && Object.prototype.hasOwnProperty.call(FAILURES, type) ? FAILURES[type as FailureType] : undefined;
}

/** A refusal as the domain states it: the failure type and a sentence for the caller. */
export interface Refusal {
  type: FailureType;
  message: string;
}
