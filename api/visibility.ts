/**
 * Visibility queries built from typed clauses, and pages of their answers. A value a caller gave
 * is only ever a quoted, escaped literal; attribute names come from workflows/search-attributes.ts,
 * never from a request.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { HttpError } from './errors';

type Literal = string | boolean | Date;
/** Attributes every execution has, beside the ones this project defines. */
type BuiltInAttribute = 'ExecutionStatus' | 'WorkflowType';
type Attribute = SearchAttributeKey<SearchAttributeType> | BuiltInAttribute;

export type Clause = { attribute: Attribute; operator: '=' | '!=' | '<' | '>'; value: Literal } | { attribute: Attribute; operator: 'IN'; values: readonly Literal[] };

/**
 * A literal of the visibility query language: strings single-quoted, backslash and quote escaped
 * (the server's tokenizer reads `\\` and `\'` back as one character, so no value ends its quotes).
 * The dev server's SQLite store then fails to match values holding `\\` or `"`, or with a quote at
 * either end (it matches nothing else either); identifiers never hold them.
 */
export function literal(value: Literal): string {
  if (typeof value === 'boolean') return String(value);
  const text = value instanceof Date ? value.toISOString() : value;
  return `'${text.replace(/[\\']/g, (character) => `\\${character}`)}'`;
}

function nameOf(attribute: Attribute): string {
  return typeof attribute === 'string' ? attribute : attribute.name;
}

/** The clauses joined by AND; an execution continued as new is the same case's older run, never listed. */
export function visibilityQuery(clauses: readonly Clause[]): string {
  const all: readonly Clause[] = [...clauses, { attribute: 'ExecutionStatus', operator: '!=', value: 'ContinuedAsNew' }];
  return all
    .map((clause) =>
      clause.operator === 'IN' ? `${nameOf(clause.attribute)} IN (${clause.values.map(literal).join(', ')})` : `${nameOf(clause.attribute)} ${clause.operator} ${literal(clause.value)}`,
    )
    .join(' AND ');
}

export type Execution = Awaited<ReturnType<typeof executionInfoFromRaw<undefined>>>;

export interface ExecutionPage {
  executions: Execution[];
  /** Opaque, for the next page's `page`; null on the last page. */
  nextPage: string | null;
}

/** Page tokens travel as base64url; anything else cannot be one. */
export const PAGE_TOKEN = /^[A-Za-z0-9_-]{1,4096}$/;

const MAC_BYTES = 16;

/**
 * The server's page tokens, handed out sealed with an HMAC over the query they continue: the server
 * answers a token it did not make with an error it retries until the deadline (a 504 for a caller's
 * typo), and a token must never carry one search's position into another's filters.
 */
export class PageTokens {
  private readonly key: Buffer;

  /** Without a key (AFTERCARE_PAGE_TOKEN_KEY), tokens hold only for the process that made them. */
  constructor(key?: string) {
    this.key = key === undefined ? randomBytes(32) : Buffer.from(key, 'utf8');
  }

  seal(query: string, token: Uint8Array): string {
    return Buffer.concat([this.mac(query, token), token]).toString('base64url');
  }

  /** The server's token inside a sealed one, or a 400 when this API did not make it for this query. */
  open(query: string, sealed: string): Buffer {
    const bytes = Buffer.from(sealed, 'base64url');
    const token = bytes.subarray(MAC_BYTES);
    const mac = bytes.subarray(0, MAC_BYTES);
    if (mac.length < MAC_BYTES || !timingSafeEqual(mac, this.mac(query, token))) {
      throw new HttpError(400, 'invalid_page', 'The page token is not one this search handed out (or the API restarted since): search again from the first page');
    }
    return token;
  }

  private mac(query: string, token: Uint8Array): Buffer {
    return createHmac('sha256', this.key).update(query).update('\0').update(token).digest().subarray(0, MAC_BYTES);
  }
}

/** One page of the executions a query matches, newest first. */
export async function executionPage(client: Client, tokens: PageTokens, clauses: readonly Clause[], pageSize: number, page?: string): Promise<ExecutionPage> {
  const query = visibilityQuery(clauses);
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query,
    pageSize,
    nextPageToken: page === undefined ? undefined : tokens.open(query, page),
  });
  const executions = await Promise.all(response.executions.map((raw) => executionInfoFromRaw(raw, client.options.loadedDataConverter, undefined, client.options.namespace)));
  const token = response.nextPageToken;
  return { executions, nextPage: token && token.length > 0 ? tokens.seal(query, token) : null };
}
