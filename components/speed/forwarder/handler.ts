/**
 * The subscription forwarder (lab 3): CloudWatch Logs → this Lambda → OpenSearch `cwl-*`.
 *
 * CloudWatch Logs invokes it asynchronously. Documents carry the event id as `_id`, so a retried
 * batch overwrites instead of duplicating. What can still be written later (throttling, 5xx,
 * timeouts, a refused request, a malformed payload) fails the invocation: Lambda retries the event
 * and finally delivers it to the on-failure destination (a KMS-encrypted SQS queue).
 *
 * What can never be written as it is (an event without id or timestamp, a document OpenSearch
 * rejects for its content) does not fail the batch: once the invocation succeeds, each is logged
 * as one `outcome: "rejected"` record in the function's log group (KMS-encrypted like the application log group the events came
 * from) with the reason and the event itself, split into parts below CloudWatch Logs' event size,
 * so it can be inspected and replayed on its own once the cause is fixed. A failing invocation
 * records none (it only counts them): its retry, or the re-drive of its batch from the dead-letter
 * queue, meets them again, so each is recorded once, by the attempt that succeeds. The function
 * has no network path to SQS (its security group reaches the domain only) and the SQS client is not
 * bundled, which rules out per-document queue messages. No other record carries credentials,
 * headers or document contents: only counts and reasons.
 */
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent, Context } from "aws-lambda";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import {
  BulkClient,
  BulkFailedError,
  DEFAULT_BULK_MAX_BYTES,
  RejectedDocument,
  SendOptions,
  parseMaxBytes,
  sendBulk,
} from "./bulk";
import { FORWARDER_ENV } from "./env";
import { ForwarderFormat, forwarderFormat, parseEventSchemaVariable } from "./format";
import { BulkBodies, MalformedPayloadError, bulkBodies, decodeEvent } from "./transform";

export interface ForwarderResult {
  readonly written: number;
  readonly requests: number;
  /** Events and documents recorded as rejected (never retried by Lambda). */
  readonly rejected: number;
}

/** Milliseconds kept back from the invocation's remaining time for logging and returning. */
export const SEND_RESERVE_MS = 5_000;
/** Characters of a message per rejected record: even fully escaped (6 bytes per character) a record stays below CloudWatch Logs' 256 KB event size. */
const RECORD_PART_CHARS = 32_768;

export interface ForwarderDeps {
  readonly client: BulkClient;
  readonly indexPrefix?: string;
  /** The stack's event format, compiled once. @default HANDS_ON_FORMAT */
  readonly format?: ForwarderFormat;
  readonly send?: SendOptions;
  /** Largest request body. @default DEFAULT_BULK_MAX_BYTES */
  readonly maxBytes?: number;
  /** Structured log sink. @default console.log / console.error */
  readonly log?: (level: "info" | "error", record: Record<string, unknown>) => void;
}

/**
 * One structured record as one log line: `{"level":...,...}`. Written to stdout/stderr directly,
 * not through `console`, whose Lambda patch prefixes each line with a timestamp, the request id
 * and the level: this way every log event in the function's log group is exactly one JSON object,
 * which the metric filter on rejected documents (metrics.ts) and Logs Insights read as fields.
 */
export function logLine(level: "info" | "error", record: Record<string, unknown>): string {
  return JSON.stringify({ level, ...record }) + "\n";
}

const defaultLog = (level: "info" | "error", record: Record<string, unknown>) => {
  (level === "error" ? process.stderr : process.stdout).write(logLine(level, record));
};

/** Logs one rejected event as records of at most RECORD_PART_CHARS message characters each. */
function logRejected(
  log: NonNullable<ForwarderDeps["log"]>,
  data: Pick<CloudWatchLogsDecodedData, "owner" | "logGroup" | "logStream">,
  event: { id?: string; timestamp?: unknown; message?: string },
  why: Record<string, unknown>,
): void {
  const message = event.message ?? "";
  const parts = Math.max(1, Math.ceil(message.length / RECORD_PART_CHARS));
  for (let part = 0; part < parts; part++) {
    log("error", {
      outcome: "rejected",
      ...why,
      owner: data.owner,
      logGroup: data.logGroup,
      logStream: data.logStream,
      id: event.id,
      timestamp: event.timestamp,
      part: part + 1,
      parts,
      message: message.slice(part * RECORD_PART_CHARS, (part + 1) * RECORD_PART_CHARS),
    });
  }
}

/** The event of a rejected document: its lines are the action and the document we built. */
function eventOf(doc: RejectedDocument): { id?: string; timestamp?: unknown; message?: string } {
  const newline = doc.lines.indexOf("\n");
  const source = JSON.parse(doc.lines.slice(newline + 1)) as Record<string, unknown>;
  return { id: String(source["@id"]), timestamp: source["@timestamp"], message: String(source["@message"]) };
}

/** What the invocation needs of the payload once its events are released. */
type BatchInfo = Pick<CloudWatchLogsDecodedData, "owner" | "logGroup" | "logStream">;

/**
 * The handler logic with its dependencies passed in (the tests run it against a loopback server).
 *
 * Memory: a batch near CloudWatch Logs' 1 MB compressed limit decodes to ~60,000 events and a
 * ~37 MB body. The bodies are built and sent one at a time, each at most the request size, and
 * the events behind a body are released once it is built, so only one request's body is alive
 * beside the rest of the decoded batch (`tools/bench/forwarderMemory.ts` measures the peak).
 */
export function createHandler(
  deps: ForwarderDeps,
): (
  event: CloudWatchLogsEvent,
  context?: Pick<Context, "getRemainingTimeInMillis">,
) => Promise<ForwarderResult> {
  const log = deps.log ?? defaultLog;
  const maxBytes = deps.maxBytes ?? deps.send?.maxBytes ?? DEFAULT_BULK_MAX_BYTES;
  return async (event, context) => {
    let data: CloudWatchLogsDecodedData | undefined;
    let events = 0;
    let bodies: BulkBodies;
    try {
      data = decodeEvent(event);
      events = Array.isArray(data.logEvents) ? data.logEvents.length : 0;
      // UTF-16 length is a lower bound of the UTF-8 size: sendBulk splits a body that is still
      // larger in bytes (non-ASCII text), so no request exceeds maxBytes.
      bodies = bulkBodies(data, {
        indexPrefix: deps.indexPrefix,
        format: deps.format,
        maxChars: maxBytes,
        releaseEvents: true,
      });
    } catch (err) {
      if (err instanceof MalformedPayloadError) {
        // Retrying cannot help, but failing is the only way to reach the dead-letter queue from a
        // function without network access to SQS: Lambda delivers the event there after its retries.
        log("error", { outcome: "malformed-payload", reason: err.message, logGroup: data?.logGroup });
      }
      throw err;
    }
    const batch: BatchInfo = { owner: data.owner, logGroup: data.logGroup, logStream: data.logStream };
    const { logGroup, messageType } = data;
    data = undefined;
    // Rejections are recorded only by an invocation that succeeds. A failing one is retried by
    // Lambda (or its batch re-driven from the dead-letter queue), and the retry meets the same
    // rejections again: recording them on every attempt would record each document once per
    // attempt, and the documented replay (joining the parts per id) would repeat its message.
    const rejections: { event: ReturnType<typeof eventOf>; why: Record<string, unknown> }[] = [];
    let written = 0;
    let requests = 0;
    let failed = 0;
    let sent = 0;
    let outage = false;
    const reasons: Record<string, number> = {};
    for (let body = bodies.next(); body !== undefined; body = bodies.next()) {
      const items = itemCount(body);
      if (outage) {
        // The domain answered nothing usable for the outage budget: the other bodies are not
        // sent, the invocation fails at once, and Lambda's retries or the dead-letter queue keep them.
        sent += items;
        failed += items;
        reasons[NOT_SENT_REASON] = (reasons[NOT_SENT_REASON] ?? 0) + items;
        continue;
      }
      // The retries' budget is the invocation's remaining time, less a reserve to log and return.
      const remaining = context?.getRemainingTimeInMillis();
      const send: SendOptions = {
        ...deps.send,
        maxBytes,
        ...(remaining !== undefined ? { budgetMs: Math.max(0, remaining - SEND_RESERVE_MS) } : {}),
      };
      let result: { written: number; requests: number; rejected: readonly RejectedDocument[] };
      try {
        result = await sendBulk(deps.client, body, send);
      } catch (err) {
        if (!(err instanceof BulkFailedError)) {
          log("error", { outcome: "failed", logGroup, events, reason: (err as Error).message });
          throw err;
        }
        // The other bodies are still sent (unless the domain is down): a retry of the batch
        // rewrites them under the same _id.
        failed += err.failed;
        outage = err.outage;
        for (const [r, n] of Object.entries(err.reasons)) reasons[r] = (reasons[r] ?? 0) + n;
        result = { written: err.written, requests: 0, rejected: err.rejected };
      }
      sent += items;
      written += result.written;
      requests += result.requests;
      for (const doc of result.rejected) {
        rejections.push({
          event: eventOf(doc),
          why: { status: doc.status, type: doc.type, reason: doc.reason },
        });
      }
    }
    const rejected = rejections.length + bodies.failures.length;
    if (failed > 0) {
      const err = new BulkFailedError(failed, sent, reasons, written);
      log("error", {
        outcome: "failed",
        logGroup,
        events,
        reason: err.message,
        ...(outage ? { outage: true } : {}),
        // Counted, not recorded: the attempt that succeeds records them.
        ...(rejected > 0 ? { rejectedNotRecorded: rejected } : {}),
      });
      throw err;
    }
    for (const f of bodies.failures) logRejected(log, batch, f, { reason: f.reason });
    for (const r of rejections) logRejected(log, batch, r.event, r.why);
    if (sent === 0) {
      if (messageType === "CONTROL_MESSAGE") log("info", { outcome: "skipped", reason: "CONTROL_MESSAGE" });
      return { written: 0, requests: 0, rejected };
    }
    log("info", { outcome: "written", logGroup, events, written, requests, rejected });
    return { written, requests, rejected };
  };
}

/** The reason counted for documents not sent once the domain was found down. */
export const NOT_SENT_REASON = "not sent: the domain answered nothing but errors";

/** Items in a `_bulk` body: two lines each. */
function itemCount(body: string): number {
  let lines = 0;
  for (let p = body.indexOf("\n"); p >= 0; p = body.indexOf("\n", p + 1)) lines++;
  return lines / 2;
}

/** The OpenSearch client: SigV4 with the function's own credentials (from its environment, no network call). */
export function createClient(endpoint: string, region: string, requestTimeoutMs: number): Client {
  const credentials = defaultProvider();
  return new Client({
    ...AwsSigv4Signer({ region, service: "es", getCredentials: () => credentials() }),
    node: endpoint.startsWith("http") ? endpoint : `https://${endpoint}`,
    // Retries are ours (sendBulk), with backoff and per-item handling.
    maxRetries: 0,
    requestTimeout: requestTimeoutMs,
  });
}

let cached: ReturnType<typeof createHandler> | undefined;

/** Lambda entry point. */
export async function handler(event: CloudWatchLogsEvent, context: Context): Promise<ForwarderResult> {
  if (!cached) {
    const endpoint = process.env[FORWARDER_ENV.endpoint];
    const region = process.env.AWS_REGION;
    if (!endpoint || !region) {
      throw new Error(`forwarder: ${FORWARDER_ENV.endpoint} and AWS_REGION must be set`);
    }
    const timeout = Number(process.env[FORWARDER_ENV.requestTimeoutMs] ?? 30_000);
    // Once per cold start: a bad value fails every invocation with one sentence (Lambda's retries,
    // then the dead-letter queue, keep the batches) until the stack is deployed again.
    const format = forwarderFormat(parseEventSchemaVariable(process.env[FORWARDER_ENV.eventSchema]));
    cached = createHandler({
      client: createClient(endpoint, region, timeout) as unknown as BulkClient,
      indexPrefix: process.env[FORWARDER_ENV.indexPrefix],
      format,
      maxBytes: parseMaxBytes(process.env[FORWARDER_ENV.bulkMaxBytes], FORWARDER_ENV.bulkMaxBytes),
      send: { requestTimeoutMs: timeout },
    });
  }
  return cached(event, context);
}
