/**
 * Sends a `_bulk` body with retries: whole-request throttling (429), server errors (5xx),
 * timeouts and connection errors are retried with capped exponential backoff and full jitter;
 * per-item 429/5xx results are re-sent on their own (the same `_id`, so nothing duplicates);
 * any item still not written at the end fails the call with a {@link BulkFailedError}, so the
 * invocation fails and Lambda's retries and its on-failure destination keep the batch.
 */
import { errors } from "@opensearch-project/opensearch";

/** The part of the OpenSearch client the sender uses (the tests pass a real client on loopback). */
export interface BulkClient {
  bulk(params: { body: string }): Promise<{ statusCode: number | null; body: unknown }>;
}

export interface SendOptions {
  /** Attempts per call, first one included. @default 5 */
  readonly maxAttempts?: number;
  /** First backoff (ms); doubles per attempt. @default 500 */
  readonly baseDelayMs?: number;
  /** Cap of one backoff (ms). @default 8000 */
  readonly maxDelayMs?: number;
  /** Waits `ms` (the tests pass a fast one). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1 for the jitter. @default Math.random */
  readonly random?: () => number;
}

export interface SendResult {
  /** Documents written. */
  readonly written: number;
  /** Requests sent. */
  readonly requests: number;
}

/** Some documents could not be written; the message lists counts and error types, never documents. */
export class BulkFailedError extends Error {
  constructor(
    readonly failed: number,
    readonly total: number,
    readonly reasons: Record<string, number>,
  ) {
    super(
      `${failed} of ${total} documents were not written (${Object.entries(reasons)
        .map(([r, n]) => `${r}: ${n}`)
        .join(
          ", ",
        )}); failing the invocation so Lambda retries the batch and then hands it to the on-failure destination`,
    );
    this.name = "BulkFailedError";
  }
}

interface BulkItemResult {
  status?: number;
  error?: { type?: string } | string;
}

const isRetryableStatus = (status: number) => status === 429 || status >= 500;

/** Whether a thrown client error is worth another attempt, and a short label for the logs. */
function classify(err: unknown): { retryable: boolean; reason: string } {
  if (err instanceof errors.ResponseError) {
    return { retryable: isRetryableStatus(err.statusCode), reason: `HTTP ${err.statusCode}` };
  }
  if (err instanceof errors.TimeoutError) return { retryable: true, reason: "timeout" };
  if (err instanceof errors.ConnectionError) return { retryable: true, reason: "connection error" };
  return { retryable: false, reason: (err as Error)?.name ?? "error" };
}

/** Splits a bulk body into its action+document pairs (two lines each). */
export function bulkPairs(body: string): string[] {
  const lines = body.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines.length % 2 !== 0)
    throw new Error("bulk body: expected an action line and a document line per item");
  const pairs: string[] = new Array(lines.length / 2);
  for (let i = 0; i < pairs.length; i++) pairs[i] = lines[2 * i] + "\n" + lines[2 * i + 1] + "\n";
  return pairs;
}

/** Sends `body` (index actions only) until every item is written or the attempts run out. */
export async function sendBulk(
  client: BulkClient,
  body: string,
  options: SendOptions = {},
): Promise<SendResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 8000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new Error(`sendBulk: maxAttempts is ${maxAttempts}; use an integer of at least 1`);

  let pending = bulkPairs(body);
  const total = pending.length;
  let written = 0;
  let requests = 0;
  let reasons: Record<string, number> = {};
  for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt++) {
    if (attempt > 1) {
      // Full jitter: concurrent invocations do not retry in lockstep against a throttled domain.
      await sleep(Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 2))));
    }
    reasons = {};
    requests++;
    let response: { statusCode: number | null; body: unknown };
    try {
      response = await client.bulk({ body: attempt === 1 ? body : pending.join("") });
    } catch (err) {
      const { retryable, reason } = classify(err);
      reasons[reason] = pending.length;
      if (!retryable) break;
      continue;
    }
    const items = (response.body as { items?: Record<string, BulkItemResult>[] } | undefined)?.items;
    if (!Array.isArray(items) || items.length !== pending.length) {
      reasons["unexpected bulk response"] = pending.length;
      continue;
    }
    const retry: string[] = [];
    let permanent = 0;
    for (let i = 0; i < items.length; i++) {
      const result = Object.values(items[i] ?? {})[0] ?? {};
      const status = typeof result.status === "number" ? result.status : 0;
      if (status >= 200 && status < 300) {
        written++;
        continue;
      }
      const type =
        typeof result.error === "string" ? result.error : (result.error?.type ?? `status ${status}`);
      reasons[type] = (reasons[type] ?? 0) + 1;
      if (isRetryableStatus(status)) retry.push(pending[i]);
      else permanent++;
    }
    if (permanent > 0) {
      // A mapping or validation error will not change on retry here; the whole batch goes to
      // Lambda's retry and then the dead-letter queue, where it can be inspected and replayed.
      throw new BulkFailedError(total - written, total, reasons);
    }
    pending = retry;
  }
  if (pending.length > 0) throw new BulkFailedError(pending.length, total, reasons);
  return { written, requests };
}
