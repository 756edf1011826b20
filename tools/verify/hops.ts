/**
 * One check per hop: each asks its service once whether the marked line has arrived, and returns
 * what it found, or `undefined` for "not yet". AWS errors are thrown as they come (the
 * orchestrator turns them into a failed hop). The orchestrator decides how often and how long.
 */
import { gunzipSync } from "zlib";
import { GetCommandInvocationCommand, SSMClient } from "@aws-sdk/client-ssm";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { GetJobRunCommand, GlueClient } from "@aws-sdk/client-glue";
import { RAW_PARTITION_TIME_ZONE, rawFirehosePrefix } from "../../components/shared/lake";
import { evaluateFirehosePrefix } from "../../components/batch/partitioning";
import { quoteIdent } from "../../components/batch/queries";
import { ProbeIndexPattern, ProbeResult } from "../../components/speed/probe/search";

export interface VerifyClients {
  readonly ssm: SSMClient;
  readonly logs: CloudWatchLogsClient;
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  readonly athena: AthenaClient;
  readonly glue: GlueClient;
}

/** A hop that failed for good (not "not yet"): the message says what the service answered. */
export class HopFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HopFailure";
  }
}

/** SSM: whether the Run Command that writes the line has finished. `undefined` while it runs. */
export async function commandFinished(
  ssm: SSMClient,
  commandId: string,
  instanceId: string,
): Promise<true | undefined> {
  let res;
  try {
    res = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
  } catch (err) {
    // SSM needs a moment after SendCommand before the invocation can be read.
    if ((err as Error).name === "InvocationDoesNotExist") return undefined;
    throw err;
  }
  switch (res.Status) {
    case "Success":
      return true;
    case "Pending":
    case "InProgress":
    case "Delayed":
      return undefined;
    default: {
      const why = (res.StandardErrorContent ?? "").trim().split("\n").pop() || res.StatusDetails || "";
      throw new HopFailure(`the command ended ${res.Status}${why ? `: ${why}` : ""}`);
    }
  }
}

/** CloudWatch Logs: an event of the app log group that contains the marker. */
export async function findInLogGroup(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  marker: string,
  sinceMs: number,
): Promise<string | undefined> {
  let nextToken: string | undefined;
  // FilterLogEvents may answer a page with no events and a token: keep reading this poll's pages.
  for (let page = 0; page < 20; page++) {
    const res = await logs.send(
      new FilterLogEventsCommand({
        logGroupName,
        filterPattern: `"${marker}"`,
        startTime: sinceMs,
        nextToken,
      }),
    );
    const event = res.events?.find((e) => e.message?.includes(marker));
    if (event) return event.logStreamName ?? "found";
    nextToken = res.nextToken;
    if (!nextToken) return undefined;
  }
  return undefined;
}

/** OpenSearch through the probe: the index of the document with the marker, per pattern. */
export async function probeIndices(
  lambda: LambdaClient,
  functionName: string,
  marker: string,
): Promise<Map<ProbeIndexPattern, string | undefined>> {
  const res = await lambda.send(
    new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify({ marker })) }),
  );
  const text = res.Payload ? Buffer.from(res.Payload).toString("utf8") : "";
  if (res.FunctionError) {
    let reason = text;
    try {
      reason = (JSON.parse(text) as { errorMessage?: string }).errorMessage ?? text;
    } catch {
      // A payload that is not JSON is reported as it is.
    }
    throw new HopFailure(`the probe ${functionName} failed: ${reason.slice(0, 300)}`);
  }
  const result = JSON.parse(text) as ProbeResult;
  return new Map(result.hits.map((h) => [h.indexPattern, h.found ? (h.index ?? "found") : undefined]));
}

/** The raw-zone prefixes of every UTC hour from `fromMs` to `toMs` (Firehose's own prefix). */
export function rawPrefixesBetween(fromMs: number, toMs: number): string[] {
  const hour = 3_600_000;
  const prefixes: string[] = [];
  for (let t = Math.floor(fromMs / hour) * hour; t <= toMs; t += hour) {
    prefixes.push(evaluateFirehosePrefix(rawFirehosePrefix(), new Date(t), RAW_PARTITION_TIME_ZONE));
  }
  return prefixes;
}

/** Reads a body that may be gzip (Firehose's GZIP compression) into text. */
function decode(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes);
  return (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString("utf8");
}

/**
 * S3: the raw object (under the hours since the line was written) that contains the marker.
 * Objects are immutable, so `seen` keeps the keys already read from one poll to the next.
 */
export async function findRawObject(
  s3: S3Client,
  bucket: string,
  marker: string,
  sinceMs: number,
  nowMs: number,
  seen: Set<string>,
): Promise<string | undefined> {
  for (const prefix of rawPrefixesBetween(sinceMs, nowMs)) {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key || seen.has(o.Key)) continue;
        if (o.LastModified && o.LastModified.getTime() < sinceMs) {
          seen.add(o.Key);
          continue;
        }
        const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
        const bytes = await obj.Body?.transformToByteArray();
        seen.add(o.Key);
        if (bytes && decode(bytes).includes(marker)) return o.Key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return undefined;
}

/** `dt` and `hour` of a Hive-style key (`.../dt=2024-01-02/hour=03/...`). */
export function partitionOfKey(key: string): { dt: string; hour: number } | undefined {
  const m = /(?:^|\/)dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//.exec(key);
  return m ? { dt: m[1], hour: Number(m[2]) } : undefined;
}

/** The UTC partition of an instant, as the curated table's event_time partitions. */
export function partitionOfTime(epochMs: number): { dt: string; hour: number } {
  const iso = new Date(epochMs).toISOString();
  return { dt: iso.slice(0, 10), hour: Number(iso.slice(11, 13)) };
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The query that finds the marked line in one partition of a lake table. */
export function markerQuery(
  database: string,
  table: string,
  partition: { dt: string; hour: number },
  text: string,
  columns: { readonly time: string; readonly text: string } = { time: "timestamp", text: "text" },
): string {
  return [
    `SELECT ${quoteIdent(columns.time)} FROM ${quoteIdent(database)}.${quoteIdent(table)}`,
    `WHERE "dt" = ${sqlString(partition.dt)} AND "hour" = ${partition.hour} AND ${quoteIdent(columns.text)} = ${sqlString(text)}`,
    "LIMIT 1",
  ].join("\n");
}

/** Athena: starts a query in the stack's workgroup. */
export async function startQuery(
  athena: AthenaClient,
  workgroup: string,
  database: string,
  sql: string,
): Promise<string> {
  const res = await athena.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: workgroup,
      QueryExecutionContext: { Database: database },
    }),
  );
  if (!res.QueryExecutionId) throw new HopFailure("Athena returned no query execution id");
  return res.QueryExecutionId;
}

/** Athena: `undefined` while the query runs, then the number of rows it returned. */
export async function queryRows(athena: AthenaClient, id: string): Promise<number | undefined> {
  const exec = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
  const state = exec.QueryExecution?.Status?.State;
  if (state === "QUEUED" || state === "RUNNING" || state === undefined) return undefined;
  if (state !== "SUCCEEDED") {
    const reason = exec.QueryExecution?.Status?.StateChangeReason ?? "no reason given";
    throw new HopFailure(`the Athena query ${id} ended ${state}: ${reason}`);
  }
  const res = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: id }));
  // The first row of a SELECT's results is the header.
  return Math.max(0, (res.ResultSet?.Rows?.length ?? 0) - 1);
}

/** Glue: `undefined` while the job run is going, then its end. */
export async function jobRunFinished(
  glue: GlueClient,
  jobName: string,
  runId: string,
): Promise<true | undefined> {
  const res = await glue.send(new GetJobRunCommand({ JobName: jobName, RunId: runId }));
  const state = res.JobRun?.JobRunState;
  if (state === "SUCCEEDED") return true;
  if (state === "STARTING" || state === "RUNNING" || state === "WAITING" || state === "STOPPING" || !state) {
    return undefined;
  }
  throw new HopFailure(
    `the job run ${runId} ended ${state}${res.JobRun?.ErrorMessage ? `: ${res.JobRun.ErrorMessage}` : ""}`,
  );
}
