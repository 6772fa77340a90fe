/**
 * The bench's workflow bundle: every production workflow plus `emptyWorkflow`, the yardstick that
 * measures what the server, the worker and the SDK cost on their own (start → result, replay).
 * Bench-only, so production workers never register it.
 */
export * from '../../workflows';

/** Returns at once: one workflow task, five history events. */
export async function emptyWorkflow(): Promise<void> {
  // Nothing to do: the run's cost is Temporal's alone.
}
