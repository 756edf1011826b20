/**
 * Peak memory of the forwarder handler for the largest batch CloudWatch Logs sends (about 1 MB
 * gzip of agent records), measured the way Lambda reports "Max Memory Used": the peak resident
 * set of the process that runs the function. Run:
 * `npm run bench:forwarder-memory -- [--runs 3] [--handler path/to/handler.ts] [--bulk-max-bytes N] [--gzip-bytes B]`
 *
 * The handler is bundled with esbuild as for deployment and runs in a plain Node.js process of its
 * own (no TypeScript compiler loaded) with the bundle's SigV4 client; the fake `_bulk` server (10 MiB limit) runs in a third
 * process. Reported per run: RSS before the invocation (runtime, bundle, the event), the kernel's
 * peak RSS of the process (`process.resourceUsage().maxRSS`) and the difference, which is the
 * handler's own peak, and the invocation's time with the events/s it makes (decode, bodies and the
 * `_bulk` requests to the fake). `--handler` measures another version of the handler (e.g. an
 * older checkout); `--gzip-bytes` a smaller batch than CloudWatch Logs' largest (default 1 MB).
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleScript } from "../../components/shared/bundle";
import { DEFAULT_BULK_MAX_BYTES } from "../../components/speed/forwarder/bulk";
import { CommandSpec, UsageError, parseCommandLine, runCommand } from "../cli";
import { startFakeBulk } from "./fakeBulk";
import { positiveOption } from "./forwarderSend";
import { realisticEvent } from "./forwarder";

const MIB = 1024 * 1024;

/** The measured process: plain JavaScript, so nothing but the runtime and the bundle is loaded. */
const RUNNER = `
const fs = require("fs");
const [bundle, eventFile, url, maxBytes] = process.argv.slice(2);
const { createClient, createHandler } = require(bundle);
const event = { awslogs: { data: fs.readFileSync(eventFile, "utf8") } };
const client = createClient(url, "ap-northeast-1", 60000);
global.gc();
const before = process.memoryUsage().rss;
const start = process.hrtime.bigint();
createHandler({ client, maxBytes: Number(maxBytes), log: () => undefined })(event, {
  getRemainingTimeInMillis: () => 300000,
}).then(
  (result) => process.send({ before, peak: process.resourceUsage().maxRSS * 1024, ms: Number(process.hrtime.bigint() - start) / 1e6, result }),
  (err) => process.send({ error: err.message }),
);
`;

interface Run {
  readonly before: number;
  readonly peak: number;
  readonly ms: number;
  readonly result?: { written: number };
  readonly error?: string;
}

export const BENCH_FORWARDER_MEMORY_COMMAND: CommandSpec = {
  command: "npm run bench:forwarder-memory --",
  summary:
    "Peak memory of the forwarder handler, bundled as deployed and run in a plain Node.js process, for the " +
    "largest batch CloudWatch Logs sends (about 1 MB gzip), against a loopback _bulk fake: RSS before the " +
    "invocation, the peak, and their difference per run, then the spread of the peaks.",
  options: {
    runs: { type: "string", value: "N", description: "how many runs (default 3)" },
    handler: {
      type: "string",
      value: "FILE",
      description:
        "another version of the handler to measure (default components/speed/forwarder/handler.ts)",
    },
    "bulk-max-bytes": {
      type: "string",
      value: "N",
      description: `the forwarder's largest request body (default ${DEFAULT_BULK_MAX_BYTES})`,
    },
    "gzip-bytes": {
      type: "string",
      value: "B",
      description:
        "the gzip size of the subscription event (default 1000000, about CloudWatch Logs' largest)",
    },
  },
};

async function main(): Promise<number> {
  const { values } = parseCommandLine(BENCH_FORWARDER_MEMORY_COMMAND, process.argv.slice(2));
  const runs = positiveOption(values, "runs", 3);
  if (!Number.isInteger(runs))
    throw new UsageError(`--runs is ${values.runs as string}; give a whole number.`);
  const maxBytes = positiveOption(values, "bulk-max-bytes", DEFAULT_BULK_MAX_BYTES);
  const entry = path.resolve(
    (values.handler as string | undefined) ?? "components/speed/forwarder/handler.ts",
  );
  if (!fs.existsSync(entry))
    throw new UsageError(`--handler ${entry}: no such file; give a handler.ts to bundle.`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "forwarder-memory-"));
  const bundle = path.join(dir, "handler.js");
  fs.writeFileSync(bundle, bundleScript(entry));
  const runner = path.join(dir, "runner.js");
  fs.writeFileSync(runner, RUNNER);
  const { event, events } = realisticEvent(positiveOption(values, "gzip-bytes", 1_000_000));
  const eventFile = path.join(dir, "event.b64");
  fs.writeFileSync(eventFile, event.awslogs.data);
  const fake = await startFakeBulk(10 * MIB);
  try {
    console.log(
      `${events} events, ${((event.awslogs.data.length * 3) / 4 / 1e6).toFixed(2)} MB gzip, BULK_MAX_BYTES ${maxBytes}, ` +
        `handler ${path.relative(process.cwd(), entry)}, Node ${process.version}`,
    );
    const peaks: number[] = [];
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const child = fork(runner, [bundle, eventFile, fake.url, String(maxBytes)], {
        execArgv: ["--expose-gc", ...(process.env.RUNNER_FLAGS ?? "").split(" ").filter(Boolean)],
        // The bundle's own SigV4 client, as deployed; made-up credentials, read from the
        // environment without a network call, and the fake on loopback ignores the signature.
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: "AKIDLOOPBACKTEST0000",
          AWS_SECRET_ACCESS_KEY: "loopback-secret-not-real",
        },
      });
      const run = await new Promise<Run>((resolve) => child.once("message", (m) => resolve(m as Run)));
      child.kill();
      if (run.error !== undefined) throw new Error(`the handler failed: ${run.error}`);
      peaks.push(run.peak);
      rates.push((events / run.ms) * 1000);
      console.log(
        `run ${r + 1}: written ${run.result?.written}, RSS before ${(run.before / MIB).toFixed(0)} MiB, ` +
          `peak RSS ${(run.peak / MIB).toFixed(0)} MiB, handler's own peak ${((run.peak - run.before) / MIB).toFixed(0)} MiB, ` +
          `${run.ms.toFixed(0)} ms (${Math.round((events / run.ms) * 1000)} events/s)`,
      );
    }
    peaks.sort((a, b) => a - b);
    const mib = (b: number) => (b / MIB).toFixed(0);
    rates.sort((a, b) => a - b);
    const mid = Math.floor(peaks.length / 2);
    console.log(
      `peak RSS min/median/max: ${mib(peaks[0])}/${mib(peaks[mid])}/${mib(peaks[peaks.length - 1])} MiB; ` +
        `events/s min/median/max: ${rates.map(Math.round)[0]}/${Math.round(rates[mid])}/${Math.round(rates[rates.length - 1])}`,
    );
  } finally {
    fake.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

if (require.main === module) runCommand("bench:forwarder-memory", main);
