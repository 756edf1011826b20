/**
 * `npm run bench:load -- [--lines N]`: the speed half of the load test at 1000x the hands-on's
 * rate, through the project's own runtime pieces. The project's generator (its CLI, its own
 * process) writes N lines at {@link LOAD_TEST_CADENCE}; each line becomes the record the agent
 * ships to CloudWatch Logs (components/network/agent/record.ts agentRecord), grouped as the agent's
 * CloudWatch Logs output groups them (PutLogEvents batches of at most 10,000 events and 1,048,576
 * bytes counting 26 bytes per event), one subscription delivery per batch (gzip + base64, as
 * CloudWatch Logs sends it); the forwarder handler (createHandler, the deployed code) sends each
 * delivery to a loopback `_bulk` fake in its own process (tools/bench/fakeBulk.ts: OpenSearch's
 * 413 behaviour, counts distinct `_id`s), one delivery after another, as fast as one process goes.
 * Prints events in, documents written (distinct ids at the fake), lost and duplicated, the
 * sustained events/s and its spread over the deliveries (min / median / max of per-delivery
 * events/s), and the required 1000x rate. Exit 1 when anything is lost or duplicated.
 */
import type { CloudWatchLogsDecodedData } from "aws-lambda";
import { spawn } from "child_process";
import * as os from "os";
import * as readline from "readline";
import { gzipSync } from "zlib";
import { CommandSpec, UsageError, parseCommandLine, runCommand } from "../cli";
import { Cadence, HANDS_ON_CADENCE } from "../../components/network/generator/lines";
import { parseLogLine } from "../../components/shared/logformat";
import type { BulkClient } from "../../components/speed/forwarder/bulk";
import { DEFAULT_BULK_MAX_BYTES } from "../../components/speed/forwarder/bulk";
import { createHandler } from "../../components/speed/forwarder/handler";
import { cadenceEventsPerSecond } from "../../stacks/workload";
import { ROOT } from "../etl/venv";
import { startFakeBulk } from "./fakeBulk";
import { agentRecord, lineTime } from "../etl/firehoseObjects";

/**
 * 1000 times the hands-on's rate with the hands-on's shape: 10,000 lines every 120 s and bursts of
 * 100,000 ERROR lines every 200 s, 583.3 events/s on average (the hands-on: 10 every 120 s and
 * 300 every 600 s, 0.583 events/s).
 */
export const LOAD_TEST_CADENCE: Cadence = {
  linesPerInterval: 10_000,
  intervalSeconds: 120,
  burstLines: 100_000,
  burstIntervalSeconds: 200,
};

/** The load test's multiple of the hands-on rate (1000). */
export const LOAD_TEST_MULTIPLE =
  cadenceEventsPerSecond(LOAD_TEST_CADENCE) / cadenceEventsPerSecond(HANDS_ON_CADENCE);

/** The generator's command line (`npm run generate -- --lines N ...` at the load test's cadence). */
export function generatorArgs(lines: number): string[] {
  return [
    "-r",
    "esbuild-register",
    `${ROOT}/components/network/generator/main.ts`,
    "--lines",
    String(lines),
    "--seed",
    "1",
    "--lines-per-interval",
    String(LOAD_TEST_CADENCE.linesPerInterval),
    "--interval-seconds",
    String(LOAD_TEST_CADENCE.intervalSeconds),
    "--burst-lines",
    String(LOAD_TEST_CADENCE.burstLines),
    "--burst-interval-seconds",
    String(LOAD_TEST_CADENCE.burstIntervalSeconds),
  ];
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, Node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`;
}

/** PutLogEvents: at most 10,000 events and 1,048,576 bytes, each event counting its UTF-8 size + 26. */
export const PUT_LOG_EVENTS_MAX_EVENTS = 10_000;
export const PUT_LOG_EVENTS_MAX_BYTES = 1_048_576;
export const PUT_LOG_EVENTS_EVENT_OVERHEAD = 26;

export const LOAD_BENCH: CommandSpec = {
  command: "npm run -s bench:load --",
  summary:
    "Generates N lines at 1000x the hands-on cadence with the project's generator and sends them through the " +
    "forwarder handler to a loopback _bulk fake as CloudWatch Logs deliveries; prints counts and events/s.",
  options: {
    lines: { type: "string", value: "N", description: "lines to generate (default 1000000)" },
  },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<number> {
  const { values } = parseCommandLine(LOAD_BENCH, process.argv.slice(2));
  const lines = Number(values.lines ?? 1_000_000);
  if (!Number.isSafeInteger(lines) || lines < 1000)
    throw new UsageError(`--lines is "${values.lines}"; give a whole number of at least 1000.`);
  console.log(`machine: ${machine()}`);
  console.log(
    `cadence: ${cadenceEventsPerSecond(LOAD_TEST_CADENCE).toFixed(1)} events/s, ${LOAD_TEST_MULTIPLE}x the hands-on's`,
  );
  const fake = await startFakeBulk(10 * 1024 * 1024);
  try {
    const { Client } = await import("@opensearch-project/opensearch");
    const client = new Client({ node: fake.url, maxRetries: 0, requestTimeout: 60_000 });
    const handler = createHandler({
      client: client as unknown as BulkClient,
      maxBytes: DEFAULT_BULK_MAX_BYTES,
      log: () => undefined,
    });
    const generator = spawn(process.execPath, generatorArgs(lines), {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let batch: { id: string; timestamp: number; message: string }[] = [];
    let batchBytes = 0;
    let count = 0;
    let written = 0;
    let handlerMs = 0;
    let handlerCpuMs = 0;
    const rates: number[] = [];
    const deliver = async () => {
      if (!batch.length) return;
      const payload: CloudWatchLogsDecodedData = {
        messageType: "DATA_MESSAGE",
        owner: "123456789012",
        logGroup: "/datalake/load/speed/app",
        logStream: "ip-10-10-0-12.ap-northeast-1.compute.internal",
        subscriptionFilters: ["speed-forwarder"],
        logEvents: batch,
      };
      const data = gzipSync(Buffer.from(JSON.stringify(payload))).toString("base64");
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const result = await handler({ awslogs: { data } }, { getRemainingTimeInMillis: () => 300_000 });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const used = process.cpuUsage(cpu);
      handlerCpuMs += (used.user + used.system) / 1000;
      handlerMs += ms;
      written += result.written;
      rates.push((batch.length / ms) * 1000);
      batch = [];
      batchBytes = 0;
    };
    for await (const line of readline.createInterface({ input: generator.stdout })) {
      const fields = parseLogLine(line);
      if (!fields) throw new Error(`generated line does not parse: ${line}`);
      const message = JSON.stringify(agentRecord(line));
      const size = Buffer.byteLength(message) + PUT_LOG_EVENTS_EVENT_OVERHEAD;
      if (batch.length === PUT_LOG_EVENTS_MAX_EVENTS || batchBytes + size > PUT_LOG_EVENTS_MAX_BYTES)
        await deliver();
      // Unique, increasing ids, as CloudWatch Logs assigns them (56 digits).
      batch.push({ id: String(count).padStart(56, "0"), timestamp: lineTime(fields.timestamp), message });
      batchBytes += size;
      count++;
    }
    await deliver();
    const s = await fake.stats();
    const sustained = (count / handlerMs) * 1000;
    const sorted = [...rates].sort((a, b) => a - b);
    console.log(
      `generator -> forwarder -> fake _bulk: ${count} events in, ${s.written} written (handler: ${written}), ` +
        `lost ${count - s.written}, duplicated ${s.duplicated}, ${rates.length} deliveries, ${s.requests} _bulk requests (413: ${s.answered413})`,
    );
    console.log(
      `forwarder (one process): ${Math.round(sustained)} events/s sustained over ${(handlerMs / 1000).toFixed(1)} s of handler time; ` +
        `per delivery min / median / max ${Math.round(sorted[0])} / ${Math.round(median(rates))} / ${Math.round(sorted[sorted.length - 1])} events/s; ` +
        `required at 1000x: ${cadenceEventsPerSecond(LOAD_TEST_CADENCE).toFixed(1)} events/s average`,
    );
    console.log(
      `forwarder CPU: ${(handlerCpuMs / 1000).toFixed(1)} CPU-seconds in the handler, ${Math.round((count / handlerCpuMs) * 1000)} events per CPU-second ` +
        `(the fake _bulk's own CPU is in its process, not counted)`,
    );
    console.log(
      `load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    return count === lines && s.written === count && s.duplicated === 0 ? 0 : 1;
  } finally {
    fake.stop();
  }
}

if (require.main === module) runCommand("bench:load", main);
