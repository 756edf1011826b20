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
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { CommandSpec, UsageError, parseCommandLine, runCommand } from "../cli";
import { RAW_DATA_PREFIX } from "../../components/shared/lake";
import { parseLogLine } from "../../components/shared/logformat";
import { localPaths } from "../etl/local";
import { ROOT, SetupError, ensureSparkVenv } from "../etl/venv";
import { AGENT_FLUSH_MS, FirehoseLayoutWriter, agentRecord, lineTime } from "../etl/firehoseObjects";
import { generatorArgs, machine } from "./load";

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
  },
};

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

async function main(): Promise<number> {
  const { values } = parseCommandLine(GLUE_BENCH, process.argv.slice(2));
  const lines = Number(values.lines ?? 5_000_000);
  if (!Number.isSafeInteger(lines) || lines < 1000)
    throw new UsageError(`--lines is "${values.lines}"; give a whole number of at least 1000.`);
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
  const layout = writer.close();
  const layoutSeconds = (Date.now() - started) / 1000;
  console.log(
    `generator -> Firehose layout: ${count} lines in, ${layout.records} records out in ${layout.objects} objects, ` +
      `${layoutSeconds.toFixed(1)} s (${Math.round(count / layoutSeconds)} events/s); ` +
      `JSON ${(layout.jsonBytes / count).toFixed(1)} B/event, gzip ${(layout.gzipBytes / count).toFixed(1)} B/event`,
  );

  // 2. the job on local Spark
  const paths = localPaths(rawRoot, path.join(out, "curated"));
  const args = [path.join(ROOT, "tools/etl/local.py")];
  for (const [k, v] of Object.entries(paths)) args.push(`--${k}`, v);
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
    `bytes per event: raw JSON ${(layout.jsonBytes / count).toFixed(1)}, raw gzip ${(layout.gzipBytes / count).toFixed(1)}, ` +
      `curated Parquet ${(parquet / count).toFixed(1)}; load average after ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
  );
  if (!keep) fs.rmSync(out, { recursive: true, force: true });
  else console.log(`(kept in ${out}; raw objects under ${path.join(rawRoot, RAW_DATA_PREFIX)})`);
  if (outCount !== layout.records || count !== lines) {
    console.error(
      `bench:glue: ${lines} lines generated, ${layout.records} stored, ${outCount} out: counts differ.`,
    );
    return 1;
  }
  return 0;
}

if (require.main === module) runCommand("bench:glue", main, [SetupError]);
