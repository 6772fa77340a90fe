/**
 * How a straight-line product (remote, on-site…) waits for its next action: each step names the
 * actions it takes, the update validator refuses the others (409 at once), and an action taken
 * whatever the step (the customer withdraws) or the case closing by itself ends the steps.
 */
import { condition } from '@temporalio/workflow';
import type { Changes } from './case-runtime';

/** The steps stop: the customer withdrew, or the core closed the case (silence after the solution). */
export class StepsEnded<A> extends Error {
  override name = 'StepsEnded';
  constructor(readonly by: A | 'closed') {
    super(by === 'closed' ? 'the case closed' : 'an action ended the steps');
  }
}

export class StepInbox<A extends { type: string; by: string }> {
  private readonly received: A[] = [];

  constructor(
    private readonly state: { awaiting: string[]; stage: string },
    private readonly changes: Changes,
    private readonly anytime: readonly A['type'][],
  ) {}

  /** Whether an action of this type was taken and waits for its step (a second one is refused). */
  holds(type: A['type']): boolean {
    return this.received.some((action) => action.type === type);
  }

  /** The handler's part: an action the validator let through. */
  accept(action: A): void {
    this.received.push(action);
  }

  /** Waits for one of `types`; throws `StepsEnded` for an action taken whatever the step, or when the case closed. */
  async next<T extends A['type']>(types: T[]): Promise<Extract<A, { type: T }>> {
    return (await this.wait(types)) as Extract<A, { type: T }>;
  }

  /** The same, giving up after `timeoutMs` (null then); `summary` labels the timer in the Web UI. */
  nextWithin<T extends A['type']>(types: T[], timeoutMs: number, summary: string): Promise<Extract<A, { type: T }> | null> {
    return this.wait(types, Math.max(1, timeoutMs), summary) as Promise<Extract<A, { type: T }> | null>;
  }

  private async wait(types: string[], timeoutMs?: number, summary?: string): Promise<A | null> {
    this.state.awaiting = types;
    this.changes.bump();
    const arrived = () => this.received.findIndex((action) => this.anytime.includes(action.type) || types.includes(action.type));
    const ready = () => arrived() >= 0 || this.state.stage === 'closed';
    const inTime = timeoutMs === undefined ? (await condition(ready), true) : await condition(ready, timeoutMs, { summary });
    this.state.awaiting = [];
    if (!inTime) return null;
    const index = arrived();
    if (index < 0) throw new StepsEnded<A>('closed');
    const [action] = this.received.splice(index, 1);
    if (this.anytime.includes(action.type)) throw new StepsEnded(action);
    return action;
  }
}
