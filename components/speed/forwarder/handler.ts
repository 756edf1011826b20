/**
 * The subscription forwarder (lab 3): CloudWatch Logs → this Lambda → OpenSearch `cwl-*`.
 *
 * CloudWatch Logs invokes it asynchronously. Every way a batch can fail ends in a thrown error:
 * Lambda then retries the event (the function's event invoke config) and finally delivers it to
 * the on-failure destination (a KMS-encrypted SQS queue). Documents carry the event id as `_id`,
 * so a retried batch overwrites instead of duplicating. Nothing here logs credentials, headers or
 * document contents: only counts and reasons.
 */
import type { CloudWatchLogsEvent } from "aws-lambda";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { BulkClient, SendOptions, sendBulk } from "./bulk";
import { FORWARDER_ENV } from "./env";
import { MalformedPayloadError, buildBulkBody, decodeEvent } from "./transform";

export interface ForwarderResult {
  readonly written: number;
  readonly requests: number;
}

export interface ForwarderDeps {
  readonly client: BulkClient;
  readonly indexPrefix?: string;
  readonly send?: SendOptions;
  /** Structured log sink. @default console.log / console.error */
  readonly log?: (level: "info" | "error", record: Record<string, unknown>) => void;
}

const defaultLog = (level: "info" | "error", record: Record<string, unknown>) =>
  (level === "error" ? console.error : console.log)(JSON.stringify({ level, ...record }));

/** The handler logic with its dependencies passed in (the tests run it against a loopback server). */
export function createHandler(deps: ForwarderDeps): (event: CloudWatchLogsEvent) => Promise<ForwarderResult> {
  const log = deps.log ?? defaultLog;
  return async (event) => {
    let body: string;
    let events = 0;
    let logGroup: string | undefined;
    try {
      const data = decodeEvent(event);
      logGroup = data.logGroup;
      events = Array.isArray(data.logEvents) ? data.logEvents.length : 0;
      body = buildBulkBody(data, { indexPrefix: deps.indexPrefix });
    } catch (err) {
      if (err instanceof MalformedPayloadError) {
        // Retrying cannot help, but failing is the only way to reach the dead-letter queue from a
        // function without network access to SQS: Lambda delivers the event there after its retries.
        log("error", { outcome: "malformed-payload", reason: err.message, logGroup });
      }
      throw err;
    }
    if (body === "") {
      log("info", { outcome: "skipped", reason: "CONTROL_MESSAGE" });
      return { written: 0, requests: 0 };
    }
    try {
      const result = await sendBulk(deps.client, body, deps.send);
      log("info", { outcome: "written", logGroup, events, ...result });
      return result;
    } catch (err) {
      log("error", { outcome: "failed", logGroup, events, reason: (err as Error).message });
      throw err;
    }
  };
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

let cached: ((event: CloudWatchLogsEvent) => Promise<ForwarderResult>) | undefined;

/** Lambda entry point. */
export async function handler(event: CloudWatchLogsEvent): Promise<ForwarderResult> {
  if (!cached) {
    const endpoint = process.env[FORWARDER_ENV.endpoint];
    const region = process.env.AWS_REGION;
    if (!endpoint || !region) {
      throw new Error(`forwarder: ${FORWARDER_ENV.endpoint} and AWS_REGION must be set`);
    }
    const timeout = Number(process.env[FORWARDER_ENV.requestTimeoutMs] ?? 30_000);
    cached = createHandler({
      client: createClient(endpoint, region, timeout) as unknown as BulkClient,
      indexPrefix: process.env[FORWARDER_ENV.indexPrefix],
    });
  }
  return cached(event);
}
