import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gzipSync } from "zlib";
import { mockClient } from "aws-sdk-client-mock";
import { GetCommandInvocationCommand, SSMClient, SendCommandCommand } from "@aws-sdk/client-ssm";
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { GetJobRunCommand, GlueClient, StartJobRunCommand } from "@aws-sdk/client-glue";
import { parseLogLine } from "../../components/shared/logformat";
import { APP_LOG_PATH } from "../../components/shared/names";
import { parseArgs } from "../../tools/verify/args";
import { markerQuery, rawPrefixesBetween } from "../../tools/verify/hops";
import { appendCommands, markerLine, newMarker } from "../../tools/verify/marker";
import { formatStrftime, formatTime, markerEvent, markerTextLine } from "../../tools/verify/source";
import { DOCS_TEXT_FORMAT } from "../helpers/formats";
import type { EventSchema } from "../../components/shared/schema";
import {
  ETL_OUTPUTS,
  REQUIRED_OUTPUTS,
  StackOutputs,
  UsageError,
  loadOutputs,
  parseOutputs,
} from "../../tools/verify/outputs";
import {
  HOPS,
  HOP_BUDGET_SECONDS,
  Hop,
  HopResult,
  renderTable,
  runVerify,
  verdict,
} from "../../tools/verify/run";

const ROOT = path.join(__dirname, "..", "..");
const MARKER = "dlverify-0123456789abcdef";
const OUTPUTS_RAW = {
  generatorInstanceId: "i-0123456789abcdef0",
  appLogGroupName: "/datalake/dev/speed/app",
  opensearchProbeFunctionName: "datalake-dev-speed-probe",
  rawBucketName: "raw-bucket",
  glueDatabaseName: "datalake_dev",
  rawTableName: "app_logs_raw",
  athenaWorkgroupName: "datalake-dev",
  alarmTopicArn: "arn:aws:sns:ap-northeast-1:123456789012:alarm",
  etlJobName: "datalake-dev-etl",
  curatedTableName: "app_logs_curated",
};
const OUTPUTS = parseOutputs(OUTPUTS_RAW, "test", true);
const WEB_FORMAT = {
  name: "web-service",
  kind: "json",
  fields: [
    { name: "timestamp", type: "timestamp" },
    { name: "method", type: "string" },
    { name: "status", type: "long" },
    { name: "latency_ms", type: "double" },
  ],
  timeField: "timestamp",
  timeFormat: "iso8601",
  keywordField: "method",
};

describe("verify: command line and outputs (pure)", () => {
  it("parses the stack and the options, with the default budgets", () => {
    assert.deepStrictEqual(parseArgs(["dev"]), {
      stack: "dev",
      outputsFile: undefined,
      etl: false,
      timeoutSeconds: 900,
    });
    assert.deepStrictEqual(parseArgs(["prod", "--etl", "--outputs=o.json", "--timeout", "60"]), {
      stack: "prod",
      outputsFile: "o.json",
      etl: true,
      timeoutSeconds: 60,
    });
  });
  it("has help", () => assert.strictEqual(parseArgs(["dev", "--help"]), "help"));
  const bad: [string[], RegExp][] = [
    [[], /^Name the stack to verify\. usage:/],
    [["dev", "--timeout", "5"], /^--timeout is "5"; give whole seconds from 30 to 21600\./],
    [["dev", "--outputs"], /^--outputs needs a value\./],
    [["dev", "--fast"], /^unknown option --fast\./],
    [["dev", "--timeout=20"], /^--timeout is "20"; give whole seconds from 30 to 21600\./],
    [["dev", "prod"], /^unexpected argument "prod"\./],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${JSON.stringify(argv)} with one sentence`, () => {
      assert.throws(
        () => parseArgs(argv),
        (e: Error) => e instanceof UsageError && message.test(e.message),
      );
    });
  }

  it("reads every output it needs and the region from the alarm topic ARN", () => {
    assert.strictEqual(OUTPUTS.region, "ap-northeast-1");
    assert.strictEqual(OUTPUTS.rawBucketName, "raw-bucket");
    const noEtl: Record<string, string> = { ...OUTPUTS_RAW };
    delete noEtl.etlJobName;
    delete noEtl.curatedTableName;
    assert.strictEqual(parseOutputs(noEtl, "f", false).etlJobName, "");
    assert.throws(() => parseOutputs(noEtl, "f", true), {
      message:
        "The outputs in f lack etlJobName, curatedTableName; run pulumi up with this version of the program first.",
    });
    assert.throws(() => parseOutputs({ ...OUTPUTS_RAW, alarmTopicArn: "x" }, "f", false), {
      message: "The output alarmTopicArn in f is not an ARN with a region.",
    });
    assert.throws(() => parseOutputs([], "f", false), {
      message: "The outputs in f are not a JSON object of output names and values.",
    });
  });

  it("reads the outputs with pulumi stack output, and says so in one sentence when it cannot", async () => {
    const calls: string[][] = [];
    const ok = await loadOutputs("dev", undefined, false, async (file, args) => {
      calls.push([file, ...args]);
      return JSON.stringify(OUTPUTS_RAW);
    });
    assert.deepStrictEqual(calls, [["pulumi", "stack", "output", "--json", "--stack", "dev"]]);
    assert.strictEqual(ok.generatorInstanceId, "i-0123456789abcdef0");
    await assert.rejects(
      loadOutputs("dev", undefined, false, async () => {
        throw new Error("no stack named 'dev' found");
      }),
      {
        message:
          "Cannot read the outputs of stack dev (no stack named 'dev' found); log in to its backend or pass --outputs FILE.",
      },
    );
    await assert.rejects(loadOutputs("dev", "/nonexistent/o.json", false), {
      message:
        "Cannot read the outputs file /nonexistent/o.json: no such file; write it with pulumi stack output --json --stack <stack> > FILE.",
    });
  });

  it("reads only outputs that stacks/index.ts exports", () => {
    const source = fs.readFileSync(path.join(ROOT, "stacks", "index.ts"), "utf8");
    const exported = new Set([...source.matchAll(/^export const (\w+)/gm)].map((m) => m[1]));
    const missing = [...REQUIRED_OUTPUTS, ...ETL_OUTPUTS].filter((n) => !exported.has(n));
    assert.deepStrictEqual(
      missing,
      [],
      `stacks/index.ts does not export ${missing.join(", ")}, which verify reads`,
    );
  });

  it("writes a hands-on line with the marker to the generator's log file, safely quoted", () => {
    const t = Date.UTC(2024, 0, 2, 3, 4, 5);
    const line = markerLine(MARKER, t);
    assert.strictEqual(line, `[2024-01-02 12:04:05+0900] INFO verify verify 0 [verify ${MARKER}]`);
    assert.strictEqual(parseLogLine(line)?.text, `verify ${MARKER}`);
    assert.deepStrictEqual(appendCommands(line), [
      `test -f ${APP_LOG_PATH}`,
      `printf '%s\\n' '${line}' >> ${APP_LOG_PATH}`,
    ]);
    assert.throws(() => appendCommands("x'; rm -rf /"), /unsafe for the shell/);
    assert.strictEqual(
      newMarker(() => Buffer.from("0123456789abcdef", "hex")),
      MARKER,
    );
  });

  it("lists every raw hour the line may have arrived in, with Firehose's prefix", () => {
    assert.deepStrictEqual(rawPrefixesBetween(Date.UTC(2024, 0, 2, 23, 58), Date.UTC(2024, 0, 3, 0, 1)), [
      "app_logs/dt=2024-01-02/hour=23/",
      "app_logs/dt=2024-01-03/hour=00/",
    ]);
    assert.strictEqual(
      markerQuery("db", "t", { dt: "2024-01-02", hour: 3 }, "it's"),
      `SELECT "timestamp" FROM "db"."t"\nWHERE "dt" = '2024-01-02' AND "hour" = 3 AND "text" = 'it''s'\nLIMIT 1`,
    );
  });
});

/**
 * A simulated clock for concurrent pollers: sleeps are timers on a virtual time line; `run` lets
 * every pending promise settle, then jumps to the next timer, until the work is done.
 */
class VirtualClock {
  t: number;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  constructor(start: number) {
    this.t = start;
  }
  now = () => this.t;
  sleep = (ms: number) =>
    new Promise<void>((resolve) =>
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve }),
    );
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    work.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      for (let i = 0; i < 20 && !done; i++) await new Promise((r) => setImmediate(r));
      if (done || this.timers.length === 0) continue;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    return work;
  }
}

const START = Date.UTC(2024, 0, 2, 3, 4, 5);
/** When each hop's data appears, in seconds after the start (the default: a healthy pipeline). */
const ARRIVAL: Record<Exclude<Hop, "write" | "rawQuery" | "curatedQuery">, number> = {
  logs: 8,
  agentIndex: 12,
  forwarderIndex: 20,
  raw: 75,
  etlJob: 400,
};

function awsError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

interface Scenario {
  /** Hops whose data never arrives. */
  never?: Hop[];
  /** A hop whose AWS call fails, and with what. */
  error?: { hop: Hop; err: Error };
  etl?: boolean;
  timeoutSeconds?: number;
  /** A scheduled run of the Glue job is going until this many seconds after the start. */
  otherRunUntil?: number;
  /** @default OUTPUTS (a stack with the generator) */
  outputs?: StackOutputs;
  /** `--line` */
  lineTemplate?: string;
}

async function scenario(s: Scenario): Promise<{ results: HopResult[]; progress: string[]; mocks: any }> {
  const clock = new VirtualClock(START);
  const elapsed = () => (clock.now() - START) / 1000;
  const arrived = (hop: keyof typeof ARRIVAL) => !s.never?.includes(hop) && elapsed() >= ARRIVAL[hop] + 2;
  const fails = (hop: Hop) => (s.error?.hop === hop ? s.error.err : undefined);
  const cfg = { region: "ap-northeast-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "x" } };
  const clients = {
    ssm: new SSMClient(cfg),
    logs: new CloudWatchLogsClient(cfg),
    lambda: new LambdaClient(cfg),
    s3: new S3Client(cfg),
    athena: new AthenaClient(cfg),
    glue: new GlueClient(cfg),
  };
  const mocks = {
    ssm: mockClient(clients.ssm),
    logs: mockClient(clients.logs),
    lambda: mockClient(clients.lambda),
    s3: mockClient(clients.s3),
    athena: mockClient(clients.athena),
    glue: mockClient(clients.glue),
  };
  const guard =
    <T>(hop: Hop, f: () => T) =>
    () => {
      const err = fails(hop);
      if (err) throw err;
      return f();
    };
  const written: string[] = [];
  mocks.logs.on(CreateLogStreamCommand).callsFake(() => {
    throw awsError("ResourceAlreadyExistsException", "exists");
  });
  mocks.logs.on(PutLogEventsCommand).callsFake((input: any) => {
    const err = fails("write");
    if (err) throw err;
    written.push(...input.logEvents.map((e: { message: string }) => e.message));
    return {};
  });
  mocks.ssm.on(SendCommandCommand).callsFake(guard("write", () => ({ Command: { CommandId: "cmd-1" } })));
  let invocationReads = 0;
  mocks.ssm.on(GetCommandInvocationCommand).callsFake(() => {
    invocationReads++;
    if (invocationReads === 1) throw awsError("InvocationDoesNotExist", "not yet");
    if (s.never?.includes("write")) return { Status: "InProgress" };
    return { Status: invocationReads < 3 ? "InProgress" : "Success" };
  });
  mocks.logs.on(FilterLogEventsCommand).callsFake(
    guard("logs", () =>
      arrived("logs")
        ? {
            events: [
              { message: JSON.stringify({ text: `verify ${MARKER}` }), logStreamName: "ip-10-10-0-5" },
            ],
          }
        : { events: [], nextToken: undefined },
    ),
  );
  mocks.lambda.on(InvokeCommand).callsFake((input: any) => {
    const payload = JSON.parse(Buffer.from(input.Payload).toString());
    assert.deepStrictEqual(payload, { marker: MARKER });
    for (const hop of ["agentIndex", "forwarderIndex"] as const) {
      const err = fails(hop);
      if (err && err.name === "FunctionError") {
        return {
          StatusCode: 200,
          FunctionError: "Unhandled",
          Payload: Buffer.from(JSON.stringify({ errorMessage: err.message })),
        };
      }
      if (err) throw err;
    }
    const hits = [
      { indexPattern: "testappec2log-*", found: arrived("agentIndex"), index: "testappec2log-2024.01.02" },
      { indexPattern: "cwl-*", found: arrived("forwarderIndex"), index: "cwl-2024.01.02" },
    ];
    return { StatusCode: 200, Payload: Buffer.from(JSON.stringify({ hits })) };
  });
  const key = "app_logs/dt=2024-01-02/hour=03/datalake-dev-1-2024-01-02-03-05-20-abc.gz";
  mocks.s3.on(ListObjectsV2Command).callsFake(
    guard("raw", (): any => ({
      Contents: [
        { Key: "app_logs/dt=2024-01-02/hour=03/old.gz", LastModified: new Date(START - 3_600_000) },
        ...(arrived("raw") ? [{ Key: key, LastModified: new Date(clock.now()) }] : []),
      ],
    })),
  );
  mocks.s3.on(GetObjectCommand).callsFake((input: any) => ({
    Body: {
      transformToByteArray: async () =>
        gzipSync(input.Key === key ? `{"text":"other"}\n{"text":"verify ${MARKER}"}\n` : "{}\n"),
    },
  }));
  let queries = 0;
  const sqls: string[] = [];
  mocks.athena.on(StartQueryExecutionCommand).callsFake((input: any) => {
    const hop: Hop = input.QueryString.includes('"app_logs_curated"') ? "curatedQuery" : "rawQuery";
    const err = fails(hop);
    if (err) throw err;
    assert.strictEqual(input.WorkGroup, "datalake-dev");
    sqls.push(input.QueryString);
    return { QueryExecutionId: `${hop}-${++queries}` };
  });
  const polled = new Map<string, number>();
  mocks.athena.on(GetQueryExecutionCommand).callsFake((input: any) => {
    const n = (polled.get(input.QueryExecutionId) ?? 0) + 1;
    polled.set(input.QueryExecutionId, n);
    return { QueryExecution: { Status: { State: n < 2 ? "RUNNING" : "SUCCEEDED" } } };
  });
  mocks.athena.on(GetQueryResultsCommand).callsFake((input: any) => {
    const hop: Hop = input.QueryExecutionId.startsWith("curated") ? "curatedQuery" : "rawQuery";
    const rows = s.never?.includes(hop) ? [] : [{ Data: [{ VarCharValue: "2024-01-02 12:04:05+0900" }] }];
    return { ResultSet: { Rows: [{ Data: [{ VarCharValue: "timestamp" }] }, ...rows] } };
  });
  let jobStartedAt = 0;
  mocks.glue.on(StartJobRunCommand).callsFake(
    guard("etlJob", () => {
      if (s.otherRunUntil !== undefined && elapsed() < s.otherRunUntil) {
        throw awsError("ConcurrentRunsExceededException", "Concurrent runs exceeded for datalake-dev-etl");
      }
      jobStartedAt = elapsed();
      return { JobRunId: "jr_1" };
    }),
  );
  mocks.glue.on(GetJobRunCommand).callsFake(() => ({
    JobRun: {
      JobRunState: s.never?.includes("etlJob") || elapsed() < jobStartedAt + 300 ? "RUNNING" : "SUCCEEDED",
    },
  }));
  const progress: string[] = [];
  const report = await clock.run(
    runVerify(
      s.outputs ?? OUTPUTS,
      {
        etl: s.etl ?? false,
        timeoutSeconds: s.timeoutSeconds ?? (s.etl ? 2700 : 900),
        lineTemplate: s.lineTemplate,
      },
      { clients, now: clock.now, sleep: clock.sleep, progress: (l) => progress.push(l), marker: MARKER },
    ),
  );
  Object.values(mocks).forEach((m) => m.restore());
  return { results: report.results, progress, mocks: { sqls, written } };
}

const statuses = (results: HopResult[]) => Object.fromEntries(results.map((r) => [r.hop, r.status]));

describe("verify: a stack without the generator (pure)", () => {
  it("renders the marked event's time in each format, in UTC", () => {
    const t = Date.UTC(2026, 11, 1, 2, 3, 4, 5);
    assert.strictEqual(formatTime(t, "iso8601"), "2026-12-01T02:03:04.005Z");
    assert.strictEqual(formatTime(t, "epoch_ms"), t);
    assert.strictEqual(formatStrftime(t, "%Y-%m-%d %H:%M:%S.%L%z"), "2026-12-01 02:03:04.005+0000");
  });

  it("says in one sentence when it has nowhere to write, or cannot build a text event", () => {
    assert.throws(
      () => parseOutputs({ ...OUTPUTS_RAW, generatorInstanceId: undefined }, "test", false),
      (e: Error) =>
        e instanceof UsageError &&
        e.message ===
          "The outputs in test name no generator instance and no subscribed log group, so verify has nowhere to write its marked event; turn datalake:generator.enabled on or list a group in datalake:sources.logGroups.",
    );
    assert.throws(
      () => markerEvent({ ...(WEB_FORMAT as EventSchema), kind: "text", name: "x" }, "verify m", 0),
      /^UsageError: The stack's format x is a text format and the generator is off, .* give one with --line/,
    );
  });

  it("refuses a --line that cannot carry the marker and the time, in one sentence each", () => {
    const text = DOCS_TEXT_FORMAT as unknown as EventSchema;
    const bad: [string | undefined, RegExp][] = [
      [undefined, /^The stack's format text-example is a text format .* give one with --line/],
      ["INFO 200 {marker}", /^--line must be one line holding \{marker\} and \{time\} once each/],
      ["{time} INFO 200 {marker} {marker}", /^--line must be one line holding/],
      [
        "{time} info 200 {marker}",
        /^--line, filled in as ".*", does not match the pattern of the format text-example; /,
      ],
      [
        "{time}x INFO 200 {marker}",
        /^--line puts \{time\} where the pattern does not read the time field ts/,
      ],
      [
        "{time} INFO 200 the {marker}",
        /^--line puts \{marker\} where the pattern reads no string field as exactly the marker/,
      ],
    ];
    for (const [template, message] of bad) {
      assert.throws(
        () => markerTextLine(text, template, MARKER, START),
        (e: Error) => e instanceof UsageError && message.test(e.message) && !e.message.includes("\n"),
        String(template),
      );
    }
    const ok = markerTextLine(text, "{time} WARN 503 {marker}", MARKER, START);
    assert.deepStrictEqual([ok.field, ok.value], ["msg", MARKER]);
  });
});

describe("verify: orchestration against mocked AWS clients", function () {
  this.timeout(60_000);

  it("passes every hop of a healthy pipeline and times each from the write", async () => {
    const { results, progress, mocks } = await scenario({ etl: true });
    assert.deepStrictEqual(
      results.map((r) => [r.hop, r.status, r.seconds]),
      [
        ["write", "passed", 2],
        ["logs", "passed", 10],
        ["agentIndex", "passed", 15],
        ["forwarderIndex", "passed", 20],
        ["raw", "passed", 80],
        ["rawQuery", "passed", 82],
        ["etlJob", "passed", 380],
        ["curatedQuery", "passed", 382],
      ],
    );
    assert.strictEqual(
      results[4].detail,
      "s3://raw-bucket/app_logs/dt=2024-01-02/hour=03/datalake-dev-1-2024-01-02-03-05-20-abc.gz",
    );
    assert.deepStrictEqual(mocks.sqls, [
      `SELECT "timestamp" FROM "datalake_dev"."app_logs_raw"\nWHERE "dt" = '2024-01-02' AND "hour" = 3 AND "text" = 'verify ${MARKER}'\nLIMIT 1`,
      `SELECT "timestamp" FROM "datalake_dev"."app_logs_curated"\nWHERE "dt" = '2024-01-02' AND "hour" = 3 AND "text" = 'verify ${MARKER}'\nLIMIT 1`,
    ]);
    assert.deepStrictEqual(verdict(results), { code: 0, sentence: "All 8 hops passed." });
    assert.ok(progress.includes("S3 raw object: waiting (0 s)"), progress.join("\n"));
    assert.ok(progress.includes("Glue ETL job: waiting (80 s)"), progress.join("\n"));
    const table = renderTable(results).split("\n");
    assert.strictEqual(table[0].replace(/ +/g, " "), "hop status seconds detail");
    assert.match(table[5], /^S3 raw object +passed +80 {2}s3:\/\/raw-bucket\//);
  });

  it("without a generator, writes the event into the first source log group in the stack's JSON format", async () => {
    const outputs = parseOutputs(
      {
        ...OUTPUTS_RAW,
        generatorInstanceId: "(no generator: datalake:generator.enabled is false)",
        sourceLogGroupNames: ["/ecs/web/api", "/ecs/web/worker"],
        eventFormat: WEB_FORMAT,
      },
      "test",
      true,
    );
    const { results, mocks } = await scenario({ outputs });
    assert.deepStrictEqual(statuses(results), {
      write: "passed",
      logs: "passed",
      agentIndex: "skipped",
      forwarderIndex: "passed",
      raw: "passed",
      rawQuery: "passed",
    });
    assert.strictEqual(results[0].detail, "PutLogEvents into /ecs/web/api (stream datalake-verify)");
    assert.strictEqual(results[1].detail, "event in /ecs/web/api (stream ip-10-10-0-5)");
    const event = JSON.parse(mocks.written[0]);
    assert.deepStrictEqual(Object.keys(event), ["timestamp", "method", "status", "latency_ms"]);
    assert.deepStrictEqual([event.method, event.status, event.latency_ms], [`verify ${MARKER}`, 0, 0]);
    assert.strictEqual(event.timestamp, new Date(START).toISOString());
    assert.deepStrictEqual(mocks.sqls, [
      `SELECT "timestamp" FROM "datalake_dev"."app_logs_raw"\nWHERE "dt" = '2024-01-02' AND "hour" = 3 AND "method" = 'verify ${MARKER}'\nLIMIT 1`,
    ]);
  });

  it("without a generator and with a text format, writes the operator's --line with the marker and the time put in", async () => {
    const outputs = parseOutputs(
      {
        ...OUTPUTS_RAW,
        generatorInstanceId: "(no generator: datalake:generator.enabled is false)",
        sourceLogGroupNames: ["/ecs/web/access"],
        eventFormat: DOCS_TEXT_FORMAT,
      },
      "test",
      true,
    );
    const { results, mocks } = await scenario({ outputs, lineTemplate: "{time} INFO 200 {marker}" });
    assert.strictEqual(results[0].status, "passed");
    // The time in the format's strftime pattern (UTC), the marker as the whole message.
    assert.deepStrictEqual(mocks.written, [`2024-01-02T03:04:05+0000 INFO 200 ${MARKER}`]);
    assert.deepStrictEqual(mocks.sqls, [
      `SELECT "ts" FROM "datalake_dev"."app_logs_raw"\nWHERE "dt" = '2024-01-02' AND "hour" = 3 AND "msg" = '${MARKER}'\nLIMIT 1`,
    ]);
  });

  it("refuses --line on a stack whose marked event needs none, before writing anything", async () => {
    await assert.rejects(
      scenario({ lineTemplate: "{time} INFO 200 {marker}" }),
      (e: Error) =>
        e instanceof UsageError &&
        /^--line is for a stack with a text format and no generator/.test(e.message),
    );
  });

  const timeouts: [Hop, Record<string, string>][] = [
    ["write", { write: "timed out", logs: "skipped", raw: "skipped", rawQuery: "skipped" }],
    ["logs", { logs: "timed out", agentIndex: "passed", raw: "passed", rawQuery: "passed" }],
    ["agentIndex", { agentIndex: "timed out", forwarderIndex: "passed" }],
    ["forwarderIndex", { forwarderIndex: "timed out", agentIndex: "passed" }],
    [
      "raw",
      { raw: "timed out", rawQuery: "skipped", etlJob: "skipped", curatedQuery: "skipped", logs: "passed" },
    ],
    ["rawQuery", { rawQuery: "timed out", etlJob: "passed", curatedQuery: "passed" }],
    ["etlJob", { etlJob: "timed out", curatedQuery: "skipped", rawQuery: "passed" }],
    ["curatedQuery", { curatedQuery: "timed out", etlJob: "passed" }],
  ];
  for (const [hop, expected] of timeouts) {
    it(`reports ${HOPS[hop]} as timed out after its budget, names it, and exits 1`, async () => {
      const { results } = await scenario({ never: [hop], etl: true });
      const got = statuses(results);
      for (const [h, status] of Object.entries(expected))
        assert.strictEqual(got[h], status, `${h}: ${JSON.stringify(results)}`);
      const r = results.find((x) => x.hop === hop)!;
      assert.strictEqual(r.detail, `not seen within ${HOP_BUDGET_SECONDS[hop]} s`);
      const v = verdict(results);
      assert.strictEqual(v.code, 1);
      assert.ok(
        v.sentence.startsWith(`Verification failed: ${HOPS[hop]} timed out (not seen within`),
        v.sentence,
      );
    });
  }

  it("waits for a scheduled Glue run that is going, then starts and passes its own run", async () => {
    // Before: StartJobRun's ConcurrentRunsExceededException was reported as "Glue ETL job failed".
    const { results, progress } = await scenario({ etl: true, otherRunUntil: 600 });
    const job = results.find((r) => r.hop === "etlJob")!;
    assert.deepStrictEqual(
      [job.status, job.detail],
      ["passed", "run jr_1 of datalake-dev-etl succeeded (started after a run already going had ended)"],
    );
    // Started at the first look after 600 s (every 15 s from 80 s), then 300 s of run.
    assert.strictEqual(job.seconds, 905);
    assert.strictEqual(statuses(results).curatedQuery, "passed");
    assert.ok(
      progress.includes("Glue ETL job: another run of datalake-dev-etl is going; waiting for it to end"),
      progress.join("\n"),
    );
  });

  it("times the Glue hop out, saying why, when the running run outlasts the hop's budget", async () => {
    const { results } = await scenario({ etl: true, otherRunUntil: 100_000 });
    const job = results.find((r) => r.hop === "etlJob")!;
    assert.deepStrictEqual(
      [job.status, job.detail],
      [
        "timed out",
        `another run of datalake-dev-etl was still going after ${HOP_BUDGET_SECONDS.etlJob} s, so verify's own could not start`,
      ],
    );
    assert.strictEqual(statuses(results).curatedQuery, "skipped");
  });

  it("stops every hop at the overall --timeout", async () => {
    const { results } = await scenario({ never: ["raw"], timeoutSeconds: 60 });
    const raw = results.find((r) => r.hop === "raw")!;
    assert.strictEqual(raw.status, "timed out");
    assert.ok(raw.seconds! <= 60, `raw stopped at ${raw.seconds} s`);
  });

  const errors: [Hop, Error, string][] = [
    [
      "write",
      awsError("InvalidInstanceId", "Instances [[i-0123]] not in a valid state"),
      "InvalidInstanceId: Instances [[i-0123]] not in a valid state",
    ],
    [
      "logs",
      awsError("AccessDeniedException", "not authorized to perform: logs:FilterLogEvents"),
      "AccessDeniedException: not authorized to perform: logs:FilterLogEvents",
    ],
    [
      "agentIndex",
      awsError("ResourceNotFoundException", "Function not found"),
      "ResourceNotFoundException: Function not found",
    ],
    [
      "forwarderIndex",
      awsError("FunctionError", "security_exception: no permissions for [indices:data/read/search]"),
      "the probe datalake-dev-speed-probe failed: security_exception: no permissions for [indices:data/read/search]",
    ],
    ["raw", awsError("AccessDenied", "Access Denied"), "AccessDenied: Access Denied"],
    [
      "rawQuery",
      awsError("InvalidRequestException", "workgroup is disabled"),
      "InvalidRequestException: workgroup is disabled",
    ],
    [
      "etlJob",
      awsError("EntityNotFoundException", "Job datalake-dev-etl not found"),
      "EntityNotFoundException: Job datalake-dev-etl not found",
    ],
    [
      "curatedQuery",
      awsError("InvalidRequestException", "table not found"),
      "InvalidRequestException: table not found",
    ],
  ];
  for (const [hop, err, detail] of errors) {
    it(`reports ${HOPS[hop]} as failed with the AWS error ${err.name}`, async () => {
      const { results } = await scenario({ error: { hop, err }, etl: true });
      const r = results.find((x) => x.hop === hop)!;
      assert.deepStrictEqual([r.status, r.detail], ["failed", detail]);
      const v = verdict(results);
      assert.strictEqual(v.code, 1);
      assert.ok(v.sentence.includes(`${HOPS[hop]} failed (${detail})`), v.sentence);
    });
  }

  it("fails the write hop when the command fails on the instance", async () => {
    const clock = new VirtualClock(START);
    const cfg = { region: "ap-northeast-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } };
    const ssm = new SSMClient(cfg);
    const m = mockClient(ssm);
    m.on(SendCommandCommand).resolves({ Command: { CommandId: "c" } });
    m.on(GetCommandInvocationCommand).resolves({
      Status: "Failed",
      StandardErrorContent: "line 1\nbash: /var/log/testapp/app.log: No such file",
    });
    const report = await clock.run(
      runVerify(
        OUTPUTS,
        { etl: false, timeoutSeconds: 900 },
        {
          clients: { ssm } as any,
          now: clock.now,
          sleep: clock.sleep,
          progress: () => undefined,
          marker: MARKER,
        },
      ),
    );
    m.restore();
    assert.deepStrictEqual(report.results[0], {
      hop: "write",
      status: "failed",
      seconds: 0,
      detail: "the command ended Failed: bash: /var/log/testapp/app.log: No such file",
    });
    assert.ok(report.results.slice(1).every((r) => r.status === "skipped"));
  });
});

describe("verify: the real script, offline", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-"));
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(OUTPUTS_RAW));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs tools/verify/main.ts with no AWS_* variables, an empty HOME, and instance metadata off. */
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = {
        PATH: path.dirname(process.execPath),
        HOME: dir,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONFIG_FILE: path.join(dir, "none-config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none-credentials"),
      };
      execFile(
        process.execPath,
        ["-r", "esbuild-register", "tools/verify/main.ts", ...args],
        { cwd: ROOT, env },
        (err, stdout, stderr) => resolve({ code: err ? ((err as any).code ?? null) : 0, stdout, stderr }),
      );
    });

  it("exits 2 with one sentence when there are no credentials", async () => {
    const r = await run(["dev", "--outputs", path.join(dir, "outputs.json")]);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.strictEqual(r.stdout, "");
    const lines = r.stderr.trim().split("\n");
    assert.strictEqual(lines.length, 1, r.stderr);
    assert.match(
      lines[0],
      /^No AWS credentials were found \(.+\); configure them \(aws configure, aws sso login or AWS_PROFILE\) and run verify again\.$/,
    );
  });

  it("exits 2 with one sentence when the outputs cannot be read (no Pulumi CLI, no such file)", async () => {
    const r = await run(["dev"]);
    assert.strictEqual(r.code, 2, r.stderr);
    assert.strictEqual(
      r.stderr,
      "Cannot read the outputs of stack dev: the Pulumi CLI (pulumi) is not installed or not on PATH; install it (https://www.pulumi.com/docs/install/) or pass --outputs FILE.\n",
    );
    const nope = await run(["dev", "--outputs", "/nope.json"]);
    assert.strictEqual(nope.code, 2, nope.stderr);
    assert.strictEqual(
      nope.stderr,
      "Cannot read the outputs file /nope.json: no such file; write it with pulumi stack output --json --stack <stack> > FILE.\n",
    );
  });

  it("--help has one exit-code paragraph", async () => {
    const help = await run(["--help"]);
    assert.strictEqual(help.code, 0);
    assert.strictEqual(help.stdout.match(/Exit codes/g)?.length, 1, help.stdout);
    assert.match(
      help.stdout,
      /\nExit codes: 0 every hop passed; 1 a hop failed or timed out; 2 usage error /,
    );
  });

  it("prints no AWS SDK notice about the Node.js version when it creates its clients", async () => {
    const r = await new Promise<{ stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [
          "-r",
          "esbuild-register",
          "-e",
          'require("./tools/verify/main"); const { SSMClient } = require("@aws-sdk/client-ssm"); new SSMClient({ region: "ap-northeast-1" });',
        ],
        { cwd: ROOT, env: { PATH: path.dirname(process.execPath), HOME: dir } },
        (_err, _stdout, stderr) => resolve({ stderr }),
      ),
    );
    assert.strictEqual(r.stderr, "");
  });

  it("prints the operator's policy without credentials (--print-policy), and names missing outputs", async () => {
    const full = path.join(dir, "full.json");
    fs.writeFileSync(
      full,
      JSON.stringify({
        ...OUTPUTS_RAW,
        lakeKeyArn: "arn:aws:kms:ap-northeast-1:123456789012:key/k",
        athenaResultsBucketName: "results-bucket",
        curatedBucketName: "curated-bucket",
      }),
    );
    const r = await run(["dev", "--outputs", full, "--print-policy", "--etl"]);
    assert.strictEqual(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.strictEqual(doc.Version, "2012-10-17");
    const kms = doc.Statement.find((st: { Sid: string }) => st.Sid === "UseTheLakeKeyThroughS3");
    assert.deepStrictEqual(kms.Action, ["kms:Decrypt", "kms:GenerateDataKey"]);
    const deployer = await run(["dev", "--outputs", full, "--print-deployer-policy"]);
    assert.strictEqual(deployer.code, 0, deployer.stderr);
    assert.ok(deployer.stdout.includes("iam:CreateServiceLinkedRole"));
    const missing = await run(["dev", "--outputs", path.join(dir, "outputs.json"), "--print-policy"]);
    assert.strictEqual(missing.code, 2);
    assert.strictEqual(
      missing.stderr,
      `The outputs in ${path.join(dir, "outputs.json")} lack lakeKeyArn, athenaResultsBucketName, curatedBucketName; run pulumi up with this version of the program first.\n`,
    );
  });

  it("without a generator, the operator's policy grants PutLogEvents into the first source group's verify stream, not SSM", async () => {
    const file = path.join(dir, "no-generator.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...OUTPUTS_RAW,
        generatorInstanceId: "(no generator: datalake:generator.enabled is false)",
        sourceLogGroupNames: ["/ecs/web/api", "/ecs/web/worker"],
        lakeKeyArn: "arn:aws:kms:ap-northeast-1:123456789012:key/k",
        athenaResultsBucketName: "results-bucket",
        curatedBucketName: "curated-bucket",
      }),
    );
    const r = await run(["dev", "--outputs", file, "--print-policy"]);
    assert.strictEqual(r.code, 0, r.stderr);
    const statements = JSON.parse(r.stdout).Statement as {
      Sid: string;
      Action: unknown;
      Resource: unknown;
    }[];
    const sids = statements.map((st) => st.Sid);
    assert.ok(
      !sids.includes("WriteTheMarkedLine") && !sids.includes("ReadTheCommandResult"),
      sids.join(", "),
    );
    const write = statements.find((st) => st.Sid === "WriteTheMarkedEvent");
    assert.deepStrictEqual(write?.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
    const group = "arn:aws:logs:ap-northeast-1:123456789012:log-group:/ecs/web/api";
    assert.strictEqual(write?.Resource, `${group}:log-stream:datalake-verify`);
    const find = statements.find((st) => st.Sid === "FindTheLineInTheAppLogGroup");
    assert.strictEqual(find?.Resource, group);
  });

  it("exits 2 on a usage error and 0 for --help", async () => {
    const bad = await run(["dev", "--timeout", "x"]);
    assert.strictEqual(bad.code, 2);
    assert.strictEqual(bad.stderr.trim().split("\n").length, 1);
    const help = await run(["--help"]);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /^usage: npm run verify -- <stack>/);
  });
});
