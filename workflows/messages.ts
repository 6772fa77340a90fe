/**
 * Message definitions of the hotline case, shared by the workflow and the API. Each action of the
 * action table (domain/hotline-actions.ts) is both a signal (fire and forget: ops in the Web UI,
 * other systems) and an update (the API, which must answer 409 at once); both run one handler.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { type ActionPayload, HOTLINE_ACTION_TYPES, type HotlineActionType } from '../domain/hotline-actions';
import type { HotlineCase } from '../domain/hotline-case';
import type { ActionResult } from './case-runtime';

type SignalDefinitions = { [T in HotlineActionType]: SignalDefinition<[ActionPayload<T>]> };
type UpdateDefinitions = { [T in HotlineActionType]: UpdateDefinition<ActionResult, [ActionPayload<T>]> };

/** The message names are the action names (the histories recorded so far use them). */
export const hotlineSignals = Object.fromEntries(HOTLINE_ACTION_TYPES.map((type) => [type, defineSignal(type)])) as SignalDefinitions;
export const hotlineUpdates = Object.fromEntries(HOTLINE_ACTION_TYPES.map((type) => [type, defineUpdate(type)])) as UpdateDefinitions;

export const caseStateQuery = defineQuery<HotlineCase>('state');

/**
 * Update-with-start at intake: answers once the first windows are armed, and whether it was new.
 * The case comes with it only when it was just opened (small then); a repeated intake reads it by query.
 */
export const intakeUpdate = defineUpdate<{ created: boolean; state?: HotlineCase }>('intake');
