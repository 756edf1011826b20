/**
 * Sends a `_bulk` body to OpenSearch so that the only documents not written are the ones OpenSearch
 * rejects for their content, and those are returned, each with OpenSearch's reason, for the caller
 * to record where they can be inspected and replayed on their own.
 *
 * - Bodies are split into requests of at most `maxBytes` (UTF-8), item boundaries kept: Amazon
 *   OpenSearch Service caps an HTTP request at 10 MiB on small instance types and 100 MiB on larger
 *   ones ({@link maxBulkBytesFor}). A 413 answer splits the request in halves and retries them.
 * - Whole-request throttling (429), server errors (5xx), timeouts and connection errors are retried
 *   with capped exponential backoff and full jitter; per-item 429/5xx results are re-sent on their
 *   own (the same `_id`, so nothing duplicates).
 * - Retries run against a time budget (the invocation's remaining time minus a reserve), not a fixed
 *   attempt count, and each request has an overall deadline, so a trickling body or a half-open
 *   connection cannot hold the invocation past it.
 * - An outage is not waited out: when the domain answers nothing but 5xx, timeouts and connection
 *   errors for `outageBudgetMs` (30 s), the call gives up at once ({@link BulkFailedError} with
 *   `outage` set). Lambda retries the batch a minute and three minutes later and then keeps it in
 *   the dead-letter queue, so holding the invocation for its whole timeout only burns concurrency
 *   the account shares (tools/bench/forwarderOutage.ts measures it, docs/speed.md).
 * - Only documents still retryable when the budget runs out fail the call ({@link BulkFailedError}),
 *   so Lambda's retries and its on-failure destination keep the batch.
 */
import { errors } from "@opensearch-project/opensearch";

/** The part of the OpenSearch client the sender uses (the tests pass a real client on loopback). */
export interface BulkClient {
  bulk(
    params: { body: string },
    options?: { requestTimeout?: number },
  ): Promise<{ statusCode: number | null; body: unknown }>;
}

const MIB = 1024 * 1024;

/**
 * Request size the forwarder uses when none is configured, and the most it builds for any domain:
 * the low end of the 5-15 MiB bulk size AWS recommends starting with
 * (https://repost.aws/knowledge-center/opensearch-indexing-performance), chosen for the function's
 * memory: the bodies are built and sent one at a time, and `tools/bench/forwarderMemory.ts` measured
 * the peak for a 1 MB gzip batch at 5 MiB well under the 256 MB function, while 32 MiB bodies
 * exceeded it. It is also under the 10 MiB payload quota of the smallest instance types, with room
 * for the request line and headers (SigV4 adds about 1 KB).
 */
export const DEFAULT_BULK_MAX_BYTES = 5 * MIB;

/**
 * The request size for a domain of `instanceType`: the "Maximum size of HTTP request payloads" in
 * the Amazon OpenSearch Service quotas (network limits per instance type,
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/limits.html#network-limits)
 * is 10 MiB for the t2/t3 small and medium types and m3.medium and 100 MiB for the larger types;
 * 20 % of headroom below it, and never more than {@link DEFAULT_BULK_MAX_BYTES}, which bounds the
 * function's memory. Today both quotas are above that bound, so every type gets it; the quota
 * decides only if a type with a smaller one is chosen.
 */
export function maxBulkBytesFor(instanceType: string): number {
  const small =
    /^(t2|t3)\.(micro|small|medium)\.(search|elasticsearch)$|^m3\.medium\.(search|elasticsearch)$/;
  const quota = small.test(instanceType) ? 10 * MIB : 100 * MIB;
  return Math.min(Math.floor(quota * 0.8), DEFAULT_BULK_MAX_BYTES);
}

/** Reads the request size limit from the environment value `raw` (bytes); one sentence when invalid. */
export function parseMaxBytes(raw: string | undefined, name: string): number {
  if (raw === undefined || raw === "") return DEFAULT_BULK_MAX_BYTES;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 64 * 1024 || n > 100 * MIB) {
    throw new Error(
      `${name} is ${JSON.stringify(raw)}; use a whole number of bytes from 65536 to ${100 * MIB}.`,
    );
  }
  return n;
}

export interface SendOptions {
  /** Largest request body in bytes. @default DEFAULT_BULK_MAX_BYTES */
  readonly maxBytes?: number;
  /** Milliseconds left for sending (the handler derives it from the invocation's remaining time). @default 60000 */
  readonly budgetMs?: number;
  /** Overall deadline of one request, headers and body. @default 30000 */
  readonly requestTimeoutMs?: number;
  /**
   * Milliseconds without any answer but 5xx, timeouts and connection errors after which the domain
   * is taken as down and the call fails at once. @default OUTAGE_BUDGET_MS
   */
  readonly outageBudgetMs?: number;
  /** First backoff (ms); doubles per round. @default 500 */
  readonly baseDelayMs?: number;
  /** Cap of one backoff (ms). @default 8000 */
  readonly maxDelayMs?: number;
  /** Waits `ms` (the tests pass a fast one). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1 for the jitter. @default Math.random */
  readonly random?: () => number;
  /** Milliseconds since some origin. @default Date.now */
  readonly now?: () => number;
}

/** A document OpenSearch refused for its content (4xx other than 429), with OpenSearch's reason. */
export interface RejectedDocument {
  /** Position of the item in the body. */
  readonly item: number;
  readonly status: number;
  readonly type: string;
  readonly reason: string;
  /** The action and document lines, as sent. */
  readonly lines: string;
}

export interface SendResult {
  /** Documents written. */
  readonly written: number;
  /** Requests sent. */
  readonly requests: number;
  /** Documents OpenSearch rejected for good. */
  readonly rejected: readonly RejectedDocument[];
}

/**
 * How long the domain may answer nothing but 5xx, timeouts and connection errors before a call
 * gives up: longer than a node restart's blip or a single timed-out request, far shorter than the
 * function's 300 s, so an outage costs each attempt about half a minute instead of five.
 */
export const OUTAGE_BUDGET_MS = 30_000;

/** Some documents could still be written but the budget ran out; the message lists counts and reasons. */
export class BulkFailedError extends Error {
  constructor(
    readonly failed: number,
    readonly total: number,
    readonly reasons: Record<string, number>,
    readonly written = 0,
    readonly rejected: readonly RejectedDocument[] = [],
    /** True when the call gave up because the domain answered nothing usable (see outageBudgetMs). */
    readonly outage = false,
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
  error?: { type?: string; reason?: string } | string;
}

const isRetryableStatus = (status: number) => status === 429 || status >= 500;

/** A request that ran past its overall deadline. */
class DeadlineError extends Error {}

/** How a thrown client error is handled, and a short label for the logs. */
function classify(err: unknown): { kind: "retry" | "split" | "fatal"; reason: string } {
  if (err instanceof DeadlineError) return { kind: "retry", reason: "request deadline" };
  if (err instanceof errors.ResponseError) {
    if (err.statusCode === 413) return { kind: "split", reason: "HTTP 413" };
    return { kind: isRetryableStatus(err.statusCode) ? "retry" : "fatal", reason: `HTTP ${err.statusCode}` };
  }
  if (err instanceof errors.TimeoutError) return { kind: "retry", reason: "timeout" };
  if (err instanceof errors.ConnectionError) return { kind: "retry", reason: "connection error" };
  return { kind: "fatal", reason: (err as Error)?.name ?? "error" };
}

/**
 * Start offsets of the items (action + document line pairs) of `body`, plus its length at the end.
 * No copy of the body is made: requests are slices of it.
 */
export function itemOffsets(body: string): number[] {
  const offsets: number[] = [];
  let p = 0;
  while (p < body.length) {
    offsets.push(p);
    const a = body.indexOf("\n", p);
    const d = a < 0 ? -1 : body.indexOf("\n", a + 1);
    if (d < 0) throw new Error("bulk body: expected an action line and a document line per item");
    p = d + 1;
  }
  offsets.push(body.length);
  return offsets;
}

/** Groups consecutive items into requests of at most `maxBytes` (an item larger than that goes alone). */
function pack(items: readonly number[], sizes: readonly number[], maxBytes: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const i of items) {
    if (current.length > 0 && bytes + sizes[i] > maxBytes) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += sizes[i];
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Runs `request` with an overall deadline, whatever the client's own timeout does. */
async function withDeadline<T>(request: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no complete answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([request, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `body` (index actions only) until every item is written, rejected for good, or the budget is spent. */
export async function sendBulk(
  client: BulkClient,
  body: string,
  options: SendOptions = {},
): Promise<SendResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_BULK_MAX_BYTES;
  const budgetMs = options.budgetMs ?? 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 8000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const deadline = now() + budgetMs;
  const outageBudgetMs = options.outageBudgetMs ?? OUTAGE_BUDGET_MS;
  // The last time the domain answered anything but 5xx, a timeout or a connection error.
  let alive = now();
  let outage = false;
  const down = () => now() - alive >= outageBudgetMs;

  const offsets = itemOffsets(body);
  const total = offsets.length - 1;
  const text = (i: number) => body.slice(offsets[i], offsets[i + 1]);
  const sizes = Array.from({ length: total }, (_v, i) => Buffer.byteLength(text(i)));
  const rejected: RejectedDocument[] = [];
  let written = 0;
  let requests = 0;
  // The last reason each item failed for; a failure caused by the budget running out (a request
  // cut short, or not sent) keeps an earlier, real reason, so the error names what went wrong.
  const why: string[] = [];
  const fail = (items: readonly number[], reason: string, budget = false) => {
    for (const i of items) if (!budget || why[i] === undefined) why[i] = reason;
  };
  let pending = Array.from({ length: total }, (_v, i) => i);
  const stuck: number[] = [];

  for (let round = 0; pending.length > 0; round++) {
    if (round > 0 && down()) {
      outage = true;
      break;
    }
    if (round > 0) {
      // Full jitter: concurrent invocations do not retry in lockstep against a throttled domain.
      const wait = Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (round - 1)));
      if (now() + wait >= deadline) break;
      await sleep(wait);
      // A late timer on a busy machine: the failures of the last round stay the reasons.
      if (now() >= deadline) break;
    }
    const retry: number[] = [];
    const queue = pack(pending, sizes, maxBytes);
    while (queue.length > 0) {
      const group = queue.shift()!;
      const left = deadline - now();
      if (left <= 0) {
        retry.push(...group, ...queue.flat());
        fail(group, "time budget spent", true);
        fail(queue.flat(), "time budget spent", true);
        queue.length = 0;
        break;
      }
      // Consecutive items are one slice of the body: no copy for the first attempt.
      const contiguous = group[group.length - 1] - group[0] === group.length - 1;
      const payload = contiguous
        ? body.slice(offsets[group[0]], offsets[group[group.length - 1] + 1])
        : group.map(text).join("");
      const timeout = Math.min(requestTimeoutMs, left);
      requests++;
      let response: { statusCode: number | null; body: unknown };
      try {
        response = await withDeadline(client.bulk({ body: payload }, { requestTimeout: timeout }), timeout);
      } catch (err) {
        const { kind, reason } = classify(err);
        // A 413, 429 or 4xx is an answer: the domain is up. 5xx, timeouts and connection errors are not.
        const unreachable =
          kind === "retry" && !(err instanceof errors.ResponseError && err.statusCode === 429);
        if (!unreachable) alive = now();
        if (kind === "split" && group.length > 1) {
          const half = Math.ceil(group.length / 2);
          queue.unshift(group.slice(0, half), group.slice(half));
          continue;
        }
        if (kind === "retry") {
          fail(group, reason, timeout < requestTimeoutMs);
          retry.push(...group);
          continue;
        }
        if (kind === "split") {
          // One document larger than the domain accepts: rejected for its content.
          const i = group[0];
          rejected.push({ item: i, status: 413, type: reason, reason: `${sizes[i]} bytes`, lines: text(i) });
          continue;
        }
        // A request refused as a whole (403, 400, ...) says nothing about the documents and will not
        // change within this invocation: they fail it, so Lambda retries and then keeps the batch.
        fail(group, reason);
        stuck.push(...group);
        continue;
      }
      alive = now();
      const items = (response.body as { items?: Record<string, BulkItemResult>[] } | undefined)?.items;
      if (!Array.isArray(items) || items.length !== group.length) {
        fail(group, "unexpected bulk response");
        retry.push(...group);
        continue;
      }
      for (let k = 0; k < items.length; k++) {
        const result = Object.values(items[k] ?? {})[0] ?? {};
        const status = typeof result.status === "number" ? result.status : 0;
        if (status >= 200 && status < 300) {
          written++;
          continue;
        }
        const type =
          typeof result.error === "string" ? result.error : (result.error?.type ?? `status ${status}`);
        if (isRetryableStatus(status)) {
          fail([group[k]], type);
          retry.push(group[k]);
        } else {
          const reason = typeof result.error === "object" ? (result.error.reason ?? type) : type;
          rejected.push({ item: group[k], status, type, reason: String(reason), lines: text(group[k]) });
        }
      }
    }
    pending = retry.sort((x, y) => x - y);
    if (now() >= deadline) break;
  }
  if (pending.length + stuck.length > 0) {
    const reasons: Record<string, number> = {};
    for (const i of [...pending, ...stuck]) reasons[why[i]] = (reasons[why[i]] ?? 0) + 1;
    throw new BulkFailedError(pending.length + stuck.length, total, reasons, written, rejected, outage);
  }
  return { written, requests, rejected };
}
