/**
 * What an OpenSearch outage costs the forwarder: Lambda-seconds and `_bulk` requests per batch,
 * and where each batch ends (written by a retry, or handed to the dead-letter queue), for batches
 * arriving throughout an outage. The real handler runs against an in-process fake client on a
 * virtual clock (a loopback server could not fake ten minutes of outage in seconds), with
 * Lambda's asynchronous retry schedule: two retries, about one minute after the first failure and
 * two minutes after the second ("Error handling and automatic retries in AWS Lambda",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). Run:
 * `npm run bench:forwarder-outage -- [--outage-s 600] [--mode 503|timeout] [--every-s 30]
 * [--events 500]`.
 *
 * `503`: the domain answers every request at once with HTTP 503 (its nodes are down behind the
 * endpoint). `timeout`: requests hang until the client's request timeout (30 s, as deployed).
 */
import type { CloudWatchLogsEvent } from "aws-lambda";
import { gzipSync } from "zlib";
import { errors } from "@opensearch-project/opensearch";
import type { BulkClient } from "../../components/speed/forwarder/bulk";
import { createHandler } from "../../components/speed/forwarder/handler";
import { CommandSpec, UsageError, parseCommandLine, runCommand } from "../cli";

/** As deployed (forwarderFunction.ts): the function's timeout and REQUEST_TIMEOUT_MS. */
const FUNCTION_TIMEOUT_MS = 300_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** Lambda's waits before the second and the third attempt. */
const RETRY_DELAYS_MS = [60_000, 120_000];
/** Virtual time one answered request takes. */
const LATENCY_MS = 50;

export const BENCH_FORWARDER_OUTAGE_COMMAND: CommandSpec = {
  command: "npm run bench:forwarder-outage --",
  summary:
    "What an OpenSearch outage costs the forwarder: the real handler on a virtual clock with Lambda's " +
    "asynchronous retries; prints Lambda-seconds, requests and attempts per batch (median, min, max) and " +
    "how many batches reach the dead-letter queue.",
  options: {
    "outage-s": { type: "string", value: "N", description: "length of the outage in seconds (default 600)" },
    "every-s": { type: "string", value: "N", description: "a batch arrives every N seconds (default 30)" },
    mode: { type: "string", value: "503|timeout", description: "how the domain fails (default 503)" },
    events: { type: "string", value: "N", description: "log events per batch (default 500)" },
  },
};

function positive(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = values[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} is ${String(raw)}; give a positive number.`);
  return n;
}

function batch(events: number): CloudWatchLogsEvent {
  const payload = {
    messageType: "DATA_MESSAGE",
    owner: "123456789012",
    logGroup: "/datalake/bench/speed/app",
    logStream: "ip-10-0-0-1",
    subscriptionFilters: ["f"],
    logEvents: Array.from({ length: events }, (_v, i) => ({
      id: String(37000000000000000000000000000000000000000000000000000000n + BigInt(i)),
      timestamp: Date.UTC(2026, 0, 15) + i,
      message: JSON.stringify({ alarmlevel: "INFO", host: "prd-web002", user: "imai", number: i, text: "x" }),
    })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString("base64") } };
}

interface BatchOutcome {
  readonly lambdaSeconds: number;
  readonly requests: number;
  readonly attempts: number;
  readonly deadLettered: boolean;
}

/** One batch arriving at `arrivalMs` (outage from 0 to `outageMs`), through all its attempts. */
async function runBatch(
  event: CloudWatchLogsEvent,
  arrivalMs: number,
  outageMs: number,
  mode: "503" | "timeout",
): Promise<BatchOutcome> {
  let now = arrivalMs;
  let requests = 0;
  const client: BulkClient = {
    async bulk({ body }, options) {
      requests++;
      if (now < outageMs) {
        if (mode === "timeout") {
          now += options?.requestTimeout ?? REQUEST_TIMEOUT_MS;
          throw new errors.TimeoutError("Request timed out", {} as never);
        }
        now += LATENCY_MS;
        throw new errors.ResponseError({
          statusCode: 503,
          body: { error: { type: "service_unavailable" }, status: 503 },
          headers: {},
          warnings: null,
          meta: {} as never,
        });
      }
      now += LATENCY_MS;
      const items = body
        .split("\n")
        .filter((l, i) => l !== "" && i % 2 === 0)
        .map(() => ({ index: { status: 201 } }));
      return { statusCode: 200, body: { errors: false, items } };
    },
  };
  let lambdaMs = 0;
  for (let attempt = 1; ; attempt++) {
    // A fresh handler per attempt: nothing learnt by an earlier attempt is assumed to survive.
    const handler = createHandler({
      client,
      send: {
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        sleep: async (ms) => {
          now += ms;
        },
        now: () => now,
      },
      log: () => undefined,
    });
    const start = now;
    let ok = true;
    try {
      await handler(event, { getRemainingTimeInMillis: () => FUNCTION_TIMEOUT_MS - (now - start) });
    } catch {
      ok = false;
    }
    lambdaMs += Math.min(now - start, FUNCTION_TIMEOUT_MS);
    if (ok) return { lambdaSeconds: lambdaMs / 1000, requests, attempts: attempt, deadLettered: false };
    if (attempt > RETRY_DELAYS_MS.length) {
      return { lambdaSeconds: lambdaMs / 1000, requests, attempts: attempt, deadLettered: true };
    }
    now += RETRY_DELAYS_MS[attempt - 1];
  }
}

function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  return `median ${fmt(median)} (min ${fmt(sorted[0])}, max ${fmt(sorted[sorted.length - 1])})`;
}

async function main(): Promise<number> {
  const { values } = parseCommandLine(BENCH_FORWARDER_OUTAGE_COMMAND, process.argv.slice(2));
  const outageMs = positive(values, "outage-s", 600) * 1000;
  const everyMs = positive(values, "every-s", 30) * 1000;
  const mode = (values.mode ?? "503") as "503" | "timeout";
  if (mode !== "503" && mode !== "timeout") throw new UsageError(`--mode is "${mode}"; use 503 or timeout.`);
  const event = batch(positive(values, "events", 500));
  const outcomes: BatchOutcome[] = [];
  for (let arrival = 0; arrival < outageMs; arrival += everyMs) {
    outcomes.push(await runBatch(event, arrival, outageMs, mode));
  }
  const total = outcomes.reduce((s, o) => s + o.lambdaSeconds, 0);
  console.log(
    `${outageMs / 1000} s outage (${mode}), ${outcomes.length} batches arriving every ${everyMs / 1000} s during it: ` +
      `Lambda-seconds per batch ${spread(outcomes.map((o) => o.lambdaSeconds))}, ` +
      `requests per batch ${spread(outcomes.map((o) => o.requests))}, ` +
      `attempts ${spread(outcomes.map((o) => o.attempts))}, ` +
      `dead-lettered ${outcomes.filter((o) => o.deadLettered).length} of ${outcomes.length}, ` +
      `Lambda-seconds in all ${total.toFixed(0)}`,
  );
  return 0;
}

if (require.main === module) runCommand("bench:forwarder-outage", main);
