/**
 * The orchestration of `npm run verify`: write the marked line, then follow it through every hop
 * at once, each with its own time budget inside the overall one, and report hop, status and
 * seconds since the line was written. Clock, sleep and progress output are passed in, so the
 * tests run minutes of waiting in milliseconds.
 */
import { SendCommandCommand } from "@aws-sdk/client-ssm";
import { StartJobRunCommand } from "@aws-sdk/client-glue";
import { PROBE_INDEX_PATTERNS } from "../../components/speed/probe/search";
import {
  HopFailure,
  VerifyClients,
  commandFinished,
  findInLogGroup,
  findRawObject,
  jobRunFinished,
  markerQuery,
  partitionOfKey,
  partitionOfTime,
  probeIndices,
  queryRows,
  startQuery,
} from "./hops";
import { appendCommands, markerLine, markerText, newMarker } from "./marker";
import { VERIFY_LOG_STREAM, markerEvent, markerField, markerTextLine, putMarkedEvent } from "./source";
import { isHandsOn } from "../../components/shared/schema";
import { StackOutputs, UsageError } from "./outputs";

/** The hops, in report order. */
export const HOPS = {
  write: "write (SSM Run Command, or PutLogEvents into a source log group)",
  logs: "CloudWatch Logs",
  agentIndex: `OpenSearch ${PROBE_INDEX_PATTERNS[0]}`,
  forwarderIndex: `OpenSearch ${PROBE_INDEX_PATTERNS[1]}`,
  raw: "S3 raw object",
  rawQuery: "Athena raw table",
  etlJob: "Glue ETL job",
  curatedQuery: "Athena curated table",
} as const;
export type Hop = keyof typeof HOPS;

/**
 * Seconds each hop may take, counted from the moment its input was ready (the line written, the
 * raw object found, the job finished). The raw object waits for Firehose's buffer (60 s in both
 * stacks, at most 900 s) after the agent's 10 s flush; the Glue job for its start-up and run.
 */
export const HOP_BUDGET_SECONDS: Readonly<Record<Hop, number>> = {
  write: 120,
  logs: 180,
  agentIndex: 240,
  forwarderIndex: 300,
  raw: 600,
  rawQuery: 240,
  etlJob: 1800,
  curatedQuery: 240,
};

/** Seconds between two looks. */
export const POLL_SECONDS: Readonly<Record<Hop, number>> = {
  write: 1,
  logs: 5,
  agentIndex: 5,
  forwarderIndex: 5,
  raw: 10,
  rawQuery: 5,
  etlJob: 15,
  curatedQuery: 5,
};
/** Seconds between two looks at a running Athena query. */
const QUERY_POLL_SECONDS = 2;
/** Progress lines per hop at most this often. */
const PROGRESS_EVERY_SECONDS = 15;
/** Slack for the difference between this machine's clock and AWS's when filtering by time. */
const CLOCK_SLACK_MS = 5 * 60_000;

export type HopStatus = "passed" | "failed" | "timed out" | "skipped";

export interface HopResult {
  readonly hop: Hop;
  readonly status: HopStatus;
  /** Seconds since the line was written (for `write`: since the command was sent). */
  readonly seconds?: number;
  /** What was found, or why it failed. */
  readonly detail: string;
}

export interface VerifyDeps {
  readonly clients: VerifyClients;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** One progress line (the CLI writes it to stderr). */
  readonly progress: (line: string) => void;
  /** @default a random marker */
  readonly marker?: string;
}

export interface VerifyOptions {
  readonly etl: boolean;
  readonly timeoutSeconds: number;
  /** A text format's line template (`--line`): where the marker and the time go. */
  readonly lineTemplate?: string;
}

export interface VerifyReport {
  readonly marker: string;
  readonly line: string;
  readonly results: HopResult[];
}

/** One AWS or hop error as one line. */
export function describeError(err: unknown): string {
  if (err instanceof HopFailure) return err.message;
  const e = err as { name?: string; message?: string };
  const text = `${e?.name ?? "Error"}: ${e?.message ?? String(err)}`.split("\n")[0];
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

interface Ctx {
  readonly deps: VerifyDeps;
  readonly overallDeadline: number;
  writtenAt: number;
}

const round = (ms: number) => Math.max(0, Math.round(ms / 1000));

/**
 * Looks with `check` every POLL_SECONDS[hop] until it returns a value, throws (failed), or the
 * hop's budget from `since` (or the overall deadline) runs out (timed out).
 */
async function follow<T>(
  ctx: Ctx,
  hop: Hop,
  since: number,
  check: (deadline: number) => Promise<T | undefined>,
  found: (value: T) => string,
): Promise<{ result: HopResult; value?: T }> {
  const { now, sleep, progress } = ctx.deps;
  const deadline = Math.min(since + HOP_BUDGET_SECONDS[hop] * 1000, ctx.overallDeadline);
  const origin = hop === "write" ? since : ctx.writtenAt;
  let lastProgress = -Infinity;
  for (;;) {
    let value: T | undefined;
    try {
      value = await check(deadline);
    } catch (err) {
      return {
        result: { hop, status: "failed", seconds: round(now() - origin), detail: describeError(err) },
      };
    }
    const t = now();
    if (value !== undefined) {
      return { result: { hop, status: "passed", seconds: round(t - origin), detail: found(value) }, value };
    }
    if (t >= deadline) {
      return {
        result: {
          hop,
          status: "timed out",
          seconds: round(t - origin),
          detail: `not seen within ${round(t - since)} s`,
        },
      };
    }
    if (t - lastProgress >= PROGRESS_EVERY_SECONDS * 1000) {
      progress(`${HOPS[hop]}: waiting (${round(t - origin)} s)`);
      lastProgress = t;
    }
    await sleep(Math.min(POLL_SECONDS[hop] * 1000, deadline - t));
  }
}

const skipped = (hop: Hop, why: string): HopResult => ({ hop, status: "skipped", detail: why });

/** Runs one Athena query to its end (or the deadline): rows found, or `undefined` (none yet). */
async function queryOnce(
  ctx: Ctx,
  o: StackOutputs,
  sql: string,
  deadline: number,
): Promise<number | undefined> {
  const { clients, now, sleep } = ctx.deps;
  const id = await startQuery(clients.athena, o.athenaWorkgroupName, o.glueDatabaseName, sql);
  for (;;) {
    const rows = await queryRows(clients.athena, id);
    if (rows !== undefined) return rows > 0 ? rows : undefined;
    if (now() >= deadline) return undefined;
    await sleep(Math.min(QUERY_POLL_SECONDS * 1000, deadline - now()));
  }
}

/** Writes the marked line and follows it; never throws for an AWS error (that is a failed hop). */
export async function runVerify(
  o: StackOutputs,
  options: VerifyOptions,
  deps: VerifyDeps,
): Promise<VerifyReport> {
  const { clients, now } = deps;
  const marker = deps.marker ?? newMarker();
  const start = now();
  const ctx: Ctx = { deps, overallDeadline: start + options.timeoutSeconds * 1000, writtenAt: start };
  const text = markerText(marker);
  // Without a generator the event goes into the first subscribed log group, in the stack's format.
  const sourceGroup = o.generatorInstanceId === undefined ? o.sourceLogGroupNames[0] : undefined;
  if (options.lineTemplate !== undefined && (sourceGroup === undefined || o.eventFormat.kind !== "text")) {
    throw new UsageError(
      "--line is for a stack with a text format and no generator; this stack's marked event is built without it, so leave --line out.",
    );
  }
  const event =
    sourceGroup === undefined || isHandsOn(o.eventFormat)
      ? { line: markerLine(marker, start), field: undefined, value: text }
      : o.eventFormat.kind === "text"
        ? markerTextLine(o.eventFormat, options.lineTemplate, marker, start)
        : { line: markerEvent(o.eventFormat, text, start), field: markerField(o.eventFormat), value: text };
  const line = event.line;
  const logGroup = sourceGroup ?? o.appLogGroupName;
  const columns =
    event.field === undefined ? undefined : { time: o.eventFormat.timeField, text: event.field };
  const later: Hop[] = ["logs", "agentIndex", "forwarderIndex", "raw", "rawQuery"];
  if (options.etl) later.push("etlJob", "curatedQuery");

  // 1. Write the line on the generator, or the event into the source log group.
  if (sourceGroup !== undefined) {
    try {
      await putMarkedEvent(clients.logs, sourceGroup, line, start);
    } catch (err) {
      const failed: HopResult = { hop: "write", status: "failed", seconds: 0, detail: describeError(err) };
      return {
        marker,
        line,
        results: [failed, ...later.map((h) => skipped(h, "the event was not written"))],
      };
    }
  }
  const write =
    sourceGroup !== undefined
      ? {
          result: {
            hop: "write" as const,
            status: "passed" as const,
            seconds: round(now() - start),
            detail: `PutLogEvents into ${sourceGroup} (stream ${VERIFY_LOG_STREAM})`,
          },
        }
      : await writeOnGenerator(ctx, o, marker, line, start);
  if (write.result.status !== "passed") {
    const why = "the line was not written";
    return { marker, line, results: [write.result, ...later.map((h) => skipped(h, why))] };
  }
  return followFrom(ctx, o, options, {
    marker,
    line,
    // What the raw and curated queries look for in the marker's column.
    text: event.value,
    start,
    logGroup,
    columns,
    write: write.result,
    noAgent: sourceGroup !== undefined,
  });
}

/** The generator's path: an SSM Run Command appends the line to the application log. */
async function writeOnGenerator(
  ctx: Ctx,
  o: StackOutputs,
  marker: string,
  line: string,
  start: number,
): Promise<{ result: HopResult }> {
  const { clients } = ctx.deps;
  const instanceId = o.generatorInstanceId as string;
  let commandId: string;
  try {
    const sent = await clients.ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [instanceId],
        Comment: `datalake verify ${marker}`,
        TimeoutSeconds: 60,
        Parameters: { commands: appendCommands(line) },
      }),
    );
    if (!sent.Command?.CommandId) throw new HopFailure("SSM returned no command id");
    commandId = sent.Command.CommandId;
  } catch (err) {
    return { result: { hop: "write", status: "failed", seconds: 0, detail: describeError(err) } };
  }
  return follow(
    ctx,
    "write",
    start,
    () => commandFinished(clients.ssm, commandId, instanceId),
    () => `appended to the application log (command ${commandId})`,
  );
}

/** Every hop after the write, at once. */
async function followFrom(
  ctx: Ctx,
  o: StackOutputs,
  options: VerifyOptions,
  w: {
    readonly marker: string;
    readonly line: string;
    readonly text: string;
    readonly start: number;
    /** The log group the event was written to (the app log group, or the source group). */
    readonly logGroup: string;
    /** The columns the raw and curated queries look the marker up in (the hands-on's when undefined). */
    readonly columns: { time: string; text: string } | undefined;
    readonly write: HopResult;
    /** No generator, so no agent index to look in. */
    readonly noAgent: boolean;
  },
): Promise<VerifyReport> {
  const { marker, line, text, start, logGroup, columns, noAgent } = w;
  const { clients, now } = ctx.deps;
  ctx.writtenAt = now();
  const since = ctx.writtenAt;
  const searchFrom = start - CLOCK_SLACK_MS;

  // 2. Every hop that reads from the agent's outputs, at once.
  const logs = follow(
    ctx,
    "logs",
    since,
    () => findInLogGroup(clients.logs, logGroup, marker, searchFrom),
    (stream) => `event in ${logGroup} (stream ${stream})`,
  );
  const index = (hop: Hop, pattern: (typeof PROBE_INDEX_PATTERNS)[number]) =>
    follow(
      ctx,
      hop,
      since,
      async () => (await probeIndices(clients.lambda, o.opensearchProbeFunctionName, marker)).get(pattern),
      (name) => `document in ${name}`,
    );
  const seen = new Set<string>();
  const lake = (async (): Promise<HopResult[]> => {
    const raw = await follow(
      ctx,
      "raw",
      since,
      () => findRawObject(clients.s3, o.rawBucketName, marker, searchFrom, now(), seen),
      (key) => `s3://${o.rawBucketName}/${key}`,
    );
    const rest: Hop[] = options.etl ? ["rawQuery", "etlJob", "curatedQuery"] : ["rawQuery"];
    if (raw.value === undefined) {
      return [raw.result, ...rest.map((h) => skipped(h, `${HOPS.raw} did not pass`))];
    }
    const partition = partitionOfKey(raw.value);
    const rawQuery = (async () => {
      if (!partition)
        return {
          hop: "rawQuery" as const,
          status: "failed" as const,
          detail: `${raw.value} has no dt=/hour= partition`,
        };
      const sql = markerQuery(o.glueDatabaseName, o.rawTableName, partition, text, columns);
      const r = await follow(
        ctx,
        "rawQuery",
        now(),
        (d) => queryOnce(ctx, o, sql, d),
        (n) => `${n} row in ${o.rawTableName}`,
      );
      return r.result;
    })();
    const etl = (async (): Promise<HopResult[]> => {
      if (!options.etl) return [];
      // The job allows one run at a time (maxConcurrentRuns 1) and may run on its schedule: while
      // a run is going, StartJobRun answers ConcurrentRunsExceededException. Verify then waits
      // for that run to end and starts its own, all within the hop's budget; the marker's line is
      // in the raw data already, so either run may pick it up, but only verify's own run proves it.
      let runId: string | undefined;
      let waitedForOther = false;
      const etlStart = now();
      const job = await follow(
        ctx,
        "etlJob",
        etlStart,
        async () => {
          if (runId === undefined) {
            try {
              const started = await clients.glue.send(new StartJobRunCommand({ JobName: o.etlJobName }));
              if (!started.JobRunId) throw new HopFailure("Glue returned no job run id");
              runId = started.JobRunId;
            } catch (err) {
              if ((err as { name?: string }).name !== "ConcurrentRunsExceededException") throw err;
              if (!waitedForOther)
                ctx.deps.progress(
                  `${HOPS.etlJob}: another run of ${o.etlJobName} is going; waiting for it to end`,
                );
              waitedForOther = true;
              return undefined;
            }
          }
          return jobRunFinished(clients.glue, o.etlJobName, runId);
        },
        () =>
          `run ${runId} of ${o.etlJobName} succeeded${waitedForOther ? " (started after a run already going had ended)" : ""}`,
      );
      if (job.result.status === "timed out" && runId === undefined) {
        job.result = {
          ...job.result,
          detail: `another run of ${o.etlJobName} was still going after ${round(now() - etlStart)} s, so verify's own could not start`,
        };
      }
      if (job.result.status !== "passed")
        return [job.result, skipped("curatedQuery", `${HOPS.etlJob} did not pass`)];
      // The curated table is partitioned by the event time in UTC, which is the line's own time.
      const sql = markerQuery(o.glueDatabaseName, o.curatedTableName, partitionOfTime(start), text, columns);
      const curated = await follow(
        ctx,
        "curatedQuery",
        now(),
        (d) => queryOnce(ctx, o, sql, d),
        (n) => `${n} row in ${o.curatedTableName}`,
      );
      return [job.result, curated.result];
    })();
    return [raw.result, await rawQuery, ...(await etl)];
  })();

  const [l, a, f, lakeResults] = await Promise.all([
    logs,
    noAgent
      ? { result: skipped("agentIndex", "the stack has no generator, so no agent writes this index") }
      : index("agentIndex", PROBE_INDEX_PATTERNS[0]),
    index("forwarderIndex", PROBE_INDEX_PATTERNS[1]),
    lake,
  ]);
  return { marker, line, results: [w.write, l.result, a.result, f.result, ...lakeResults] };
}

/** The report as a table (stdout). */
export function renderTable(results: readonly HopResult[]): string {
  const rows = [
    ["hop", "status", "seconds", "detail"],
    ...results.map((r) => [
      HOPS[r.hop],
      r.status,
      r.seconds === undefined ? "" : String(r.seconds),
      r.detail,
    ]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => [r[0].padEnd(widths[0]), r[1].padEnd(widths[1]), r[2].padStart(widths[2]), r[3]].join("  "))
    .join("\n");
}

/** 0 when every hop passed, else 1; and the sentence that says so. */
export function verdict(results: readonly HopResult[]): { code: 0 | 1; sentence: string } {
  const bad = results.filter((r) => r.status === "failed" || r.status === "timed out");
  if (bad.length === 0 && results.every((r) => r.status === "passed")) {
    return { code: 0, sentence: `All ${results.length} hops passed.` };
  }
  const named = bad.map((r) => `${HOPS[r.hop]} ${r.status} (${r.detail})`).join("; ");
  return { code: 1, sentence: `Verification failed: ${named || "a hop was skipped"}.` };
}
