/**
 * `npm run bench:glue -- [--lines N] [--out DIR]`: the Glue job's throughput on local Spark, and the
 * batch half of the load test at 1000x the hands-on's rate. The project's generator
 * (`npm run generate -- --lines N`, run as its own process) writes N lines at 1000 times the
 * hands-on cadence; they are stored as the BatchLayer's Firehose stream stores them
 * (tools/etl/firehoseObjects.ts, dev's 60 s / 5 MiB buffer); then the job script runs once on
 * local Spark (`local[2]`, tools/etl/local.py) over all of it. Prints events in and out (curated +
 * quarantined + unreadable must equal the lines generated), the layout's throughput, the job's
 * wall time, events/s and events/s per core, the peak resident memory of the job's process tree
 * (Python driver and JVM, sampled from /proc every 200 ms), and bytes per event of raw gzip JSON
 * and of the curated Parquet. Exit 1 when counts differ.
 *
 * `--format STACK`: the same for the `datalake:format` of `Pulumi.STACK.yaml` (read through the
 * stacks' config validation): N events of that format generated deterministically at the same
 * average rate (tools/etl/formatEvents.ts: a JSON format's objects with a few keys it does not
 * declare, a text format's lines as its pattern reads them), each arriving at Firehose 5 s after
 * its time, then the job run once with `--event_schema`. Exit 2 for a stack without a format of
 * its own, or whose events cannot be generated.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { CommandSpec, UsageError, parseCommandLine, runCommand } from "../cli";
import { eventSchemaArgument } from "../../components/etl/layout";
import { RAW_DATA_PREFIX } from "../../components/shared/lake";
import { parseLogLine } from "../../components/shared/logformat";
import { EventSchema, isHandsOn } from "../../components/shared/schema";
import { ConfigError } from "../../stacks/config";
import { cadenceEventsPerSecond } from "../../stacks/workload";
import { localPaths } from "../etl/local";
import { ROOT, SetupError, ensureSparkVenv } from "../etl/venv";
import {
  AGENT_FLUSH_MS,
  FirehoseLayoutWriter,
  LayoutTotals,
  agentRecord,
  lineTime,
} from "../etl/firehoseObjects";
import { FormatEventsError, eventLineOf, formatEvents, stackEventSchema } from "../etl/formatEvents";
import { StackConfigError } from "../offline/stackConfig";
import { LOAD_TEST_CADENCE, generatorArgs, machine } from "./load";

const MIB = 1024 * 1024;

export const GLUE_BENCH: CommandSpec = {
  command: "npm run -s bench:glue --",
  summary:
    "Generates N lines at 1000x the hands-on cadence with the project's generator, stores them in Firehose's layout, " +
    "runs the Glue job script once on local Spark and prints counts, time, events/s per core and peak memory.",
  options: {
    lines: { type: "string", value: "N", description: "lines to generate (default 5000000)" },
    out: {
      type: "string",
      value: "DIR",
      description: "work folder (default a new temporary folder, removed after)",
    },
    format: {
      type: "string",
      value: "STACK",
      description:
        "events of the datalake:format of Pulumi.STACK.yaml (e.g. example-app) instead of the generator's lines",
    },
  },
};

/** The instant a format's generated events lead up to: fixed, so every run curates the same events. */
export const FORMAT_BENCH_NOW_MS = Date.UTC(2026, 11, 7, 12, 0, 0);
/** Seed of a format's generated events (the generator's lines use seed 1 as well). */
const FORMAT_BENCH_SEED = 1;
/** Seconds between a format's event and its arrival at Firehose (the sending service's batching). */
const FORMAT_ARRIVAL_DELAY_MS = 5_000;

/**
 * The format of `Pulumi.<stack>.yaml` the bench runs with, its events checked buildable; every
 * way it can be wrong is a `UsageError` of one sentence.
 */
export function benchFormat(root: string, stack: string): EventSchema {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new UsageError(`--format "${stack}" is not a stack name; name a stack such as example-app.`);
  }
  let schema: EventSchema | undefined;
  try {
    schema = stackEventSchema(root, stack);
  } catch (err) {
    if (err instanceof StackConfigError) {
      throw new UsageError(`--format ${stack}: ${err.message.replace(/\.$/, "")}; name one of those stacks.`);
    }
    if (err instanceof ConfigError) {
      throw new UsageError(
        `Pulumi.${stack}.yaml is not a valid stack configuration (${err.problems.join("; ")}); fix it, then run the bench again.`,
      );
    }
    throw err;
  }
  if (schema === undefined || isHandsOn(schema)) {
    throw new UsageError(
      `Pulumi.${stack}.yaml declares no datalake:format of its own (its events are the hands-on's); run npm run bench:glue without --format, or name a stack that sets one, such as example-app.`,
    );
  }
  try {
    // A text format whose pattern the line builder cannot write fails here, before any work.
    eventLineOf(schema);
    formatEvents(schema, { nowMs: FORMAT_BENCH_NOW_MS, count: 1, days: 1, seed: 1 }).next();
  } catch (err) {
    if (err instanceof FormatEventsError) throw new UsageError(err.message);
    throw err;
  }
  return schema;
}

/**
 * Resident memory (sum of VmRSS, bytes) of `pid` and its descendants, and the CPU seconds
 * (utime + stime) each has used so far, from /proc.
 */
export function treeUsage(pid: number): { rss: number; cpu: Map<number, number> } {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while the table was read.
    }
  }
  let rss = 0;
  const cpu = new Map<number, number>();
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      if (m) rss += Number(m[1]) * 1024;
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpu.set(p, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
    } catch {
      // Ended.
    }
    stack.push(...(children.get(p) ?? []));
  }
  return { rss, cpu };
}

/** Linux's USER_HZ (`getconf CLK_TCK`), 100 on every common kernel. */
const CLOCK_TICKS = 100;

function folderBytes(dir: string, suffix: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(suffix)) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}

/** Generator lines (its own process) into Firehose's layout, as the agent ships them. */
async function handsOnLayout(writer: FirehoseLayoutWriter, lines: number): Promise<number> {
  const generator = spawn(process.execPath, generatorArgs(lines), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let count = 0;
  for await (const line of readline.createInterface({ input: generator.stdout })) {
    const fields = parseLogLine(line);
    if (!fields) throw new Error(`generated line does not parse: ${line}`);
    writer.add(agentRecord(line), lineTime(fields.timestamp) + AGENT_FLUSH_MS);
    count++;
  }
  return count;
}

/**
 * `lines` events of `schema` at the load test's average rate (the generator's lines span the same
 * time), each line as the service sends it, into Firehose's layout.
 */
function formatLayout(writer: FirehoseLayoutWriter, schema: EventSchema, lines: number): number {
  const lineOf = eventLineOf(schema);
  const days = lines / cadenceEventsPerSecond(LOAD_TEST_CADENCE) / 86_400;
  let count = 0;
  for (const e of formatEvents(schema, {
    nowMs: FORMAT_BENCH_NOW_MS,
    count: lines,
    days,
    seed: FORMAT_BENCH_SEED,
    undeclared: true,
  })) {
    writer.addLine(lineOf(e.record), e.eventMs + FORMAT_ARRIVAL_DELAY_MS);
    count++;
  }
  return count;
}

async function main(): Promise<number> {
  const { values } = parseCommandLine(GLUE_BENCH, process.argv.slice(2));
  const lines = Number(values.lines ?? 5_000_000);
  if (!Number.isSafeInteger(lines) || lines < 1000)
    throw new UsageError(`--lines is "${values.lines}"; give a whole number of at least 1000.`);
  const stack = values.format as string | undefined;
  const schema = stack === undefined ? undefined : benchFormat(ROOT, stack);
  const keep = values.out !== undefined;
  const out = path.resolve(
    (values.out as string | undefined) ?? fs.mkdtempSync(path.join(os.tmpdir(), "bench-glue-")),
  );
  fs.rmSync(out, { recursive: true, force: true });
  const python = ensureSparkVenv();
  console.log(`machine: ${machine()}`);

  // 1. generator -> Firehose layout
  const rawRoot = path.join(out, "raw");
  const writer = new FirehoseLayoutWriter(rawRoot, 60_000, 5 * MIB);
  const started = Date.now();
  const count =
    schema === undefined ? await handsOnLayout(writer, lines) : formatLayout(writer, schema, lines);
  const layout: LayoutTotals = writer.close();
  const layoutSeconds = (Date.now() - started) / 1000;
  const source =
    schema === undefined ? "generator" : `format ${schema.name} of Pulumi.${stack}.yaml (${schema.kind})`;
  const raw = schema?.kind === "text" ? "text" : "JSON";
  console.log(
    `${source} -> Firehose layout: ${count} ${schema === undefined ? "lines" : "events"} in, ${layout.records} records out in ${layout.objects} objects, ` +
      `${layoutSeconds.toFixed(1)} s (${Math.round(count / layoutSeconds)} events/s); ` +
      `${raw} ${(layout.jsonBytes / count).toFixed(1)} B/event, gzip ${(layout.gzipBytes / count).toFixed(1)} B/event`,
  );

  // 2. the job on local Spark
  const paths = localPaths(rawRoot, path.join(out, "curated"));
  const args = [path.join(ROOT, "tools/etl/local.py")];
  for (const [k, v] of Object.entries(paths)) args.push(`--${k}`, v);
  if (schema !== undefined) args.push("--event_schema", eventSchemaArgument(schema));
  const jobStart = Date.now();
  const job = spawn(python, args, { stdio: ["ignore", "pipe", "inherit"] });
  let peak = 0;
  const cpuByPid = new Map<number, number>();
  const sampler = setInterval(() => {
    const usage = treeUsage(job.pid!);
    peak = Math.max(peak, usage.rss);
    for (const [p, seconds] of usage.cpu) cpuByPid.set(p, Math.max(seconds, cpuByPid.get(p) ?? 0));
  }, 200);
  let output = "";
  job.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
  const status = await new Promise<number>((resolve) => job.on("exit", (code) => resolve(code ?? 1)));
  clearInterval(sampler);
  const jobSeconds = (Date.now() - jobStart) / 1000;
  // CPU seconds of the job's processes (sampled, so the last 200 ms of each may be missing).
  const cpuSeconds = [...cpuByPid.values()].reduce((a, b) => a + b, 0);
  if (status !== 0)
    throw new SetupError(`bench:glue: the local job run failed with status ${status} (see above).`);
  const counts = Object.fromEntries(
    [...(/etl:local: (.*)/.exec(output)?.[1] ?? "").matchAll(/(\w+)=(\d+)/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  ) as Record<string, number>;
  const outCount = (counts.curated ?? 0) + (counts.quarantined ?? 0) + (counts.unreadable ?? 0);
  const parquet = folderBytes(paths.curated, ".parquet");
  console.log(
    `Glue job on local Spark (local[2]): ${layout.records} events in, ${outCount} out ` +
      `(curated ${counts.curated}, quarantined ${counts.quarantined}, unreadable ${counts.unreadable}), ` +
      `${counts.inputs} objects read, ${counts.files} Parquet files`,
  );
  console.log(
    `job wall time ${jobSeconds.toFixed(1)} s (${Math.round(layout.records / jobSeconds)} events/s), ` +
      `CPU time ${cpuSeconds.toFixed(1)} s (${Math.round(layout.records / cpuSeconds)} events per CPU-second); ` +
      `peak RSS of the job's processes ${(peak / MIB).toFixed(0)} MiB`,
  );
  console.log(
    `bytes per event: raw ${raw} ${(layout.jsonBytes / count).toFixed(1)}, raw gzip ${(layout.gzipBytes / count).toFixed(1)}, ` +
      `curated Parquet ${(parquet / count).toFixed(1)}; load average after ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
  );
  if (!keep) fs.rmSync(out, { recursive: true, force: true });
  else console.log(`(kept in ${out}; raw objects under ${path.join(rawRoot, RAW_DATA_PREFIX)})`);
  if (outCount !== layout.records || count !== lines) {
    console.error(
      `bench:glue: ${lines} ${schema === undefined ? "lines" : "events"} generated, ${layout.records} stored, ${outCount} out: counts differ.`,
    );
    return 1;
  }
  return 0;
}

if (require.main === module) runCommand("bench:glue", main, [SetupError]);
