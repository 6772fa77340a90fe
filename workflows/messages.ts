/**
 * Message definitions of the hotline case, shared by the workflow and the API.
 * Each customer or engineer action is both a signal (fire and forget: ops in the Web UI, other
 * systems) and an update (the API, which must answer 409 at once); both run one handler.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { HotlineAction, HotlineActionType, HotlineCase } from '../domain/hotline-case';
import { HOTLINE_ACTION_TYPES } from '../domain/hotline-case';

export type ActionPayload<T extends HotlineActionType> = Omit<Extract<HotlineAction, { type: T }>, 'type'>;

type SignalDefinitions = { [T in HotlineActionType]: ReturnType<typeof defineSignal<[ActionPayload<T>]>> };
type UpdateDefinitions = { [T in HotlineActionType]: ReturnType<typeof defineUpdate<HotlineCase, [ActionPayload<T>]>> };

export const hotlineSignals = Object.fromEntries(
  HOTLINE_ACTION_TYPES.map((type) => [type, defineSignal(type)]),
) as unknown as SignalDefinitions;

export const hotlineUpdates = Object.fromEntries(
  HOTLINE_ACTION_TYPES.map((type) => [type, defineUpdate(type)]),
) as unknown as UpdateDefinitions;

export const caseStateQuery = defineQuery<HotlineCase>('state');

/** Update-with-start at intake: answers once the first windows are armed, and whether it was new. */
export const intakeUpdate = defineUpdate<{ created: boolean; state: HotlineCase }>('intake');
