/**
 * Benchmark of the forwarder's hot path (`npm run bench:forwarder`): decodeEvent + the `_bulk`
 * bodies the handler sends (bulkBodies at the default request size) on a realistic subscription
 * event of about 1 MB compressed, against the console blueprint's way (see {@link baseline}),
 * which builds one body. It first checks that both give the same bytes, then times them in
 * alternating pairs and prints the machine, each variant's median time and the min/median/max of
 * the per-pair ratio. Options: `--seconds N` of pairs (default 20); `--profile` prints where the
 * forwarder's time goes instead (base64, gunzip, text decoding, the payload's JSON.parse, the
 * per-event work and the joins); `--format STACK` runs the same comparison on JSON events of the
 * `datalake:format` of Pulumi.STACK.yaml (a JSON format), the forwarder reading them by it.
 */
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from "aws-lambda";
import { gzipSync, gunzipSync } from "zlib";
import * as os from "os";
import { CommandSpec, UsageError, parseCommandLine, runCommand } from "../cli";
import { DEFAULT_BULK_MAX_BYTES } from "../../components/speed/forwarder/bulk";
import { ForwarderFormat, HANDS_ON_FORMAT, forwarderFormat } from "../../components/speed/forwarder/format";
import { bulkBodies, decodeEvent } from "../../components/speed/forwarder/transform";
import { LOG_LEVELS, parseLogLine } from "../../components/shared/logformat";
import { PROJECT } from "../../components/shared/names";
import { EventSchema } from "../../components/shared/schema";
import { schemaProblems } from "../../components/shared/schemaCheck";
import { readStackConfig } from "../offline/stackConfig";
import { formatTime } from "../verify/source";

const HOSTS = ["prd-db02", "prd-web002", "prd-ap001"];
const USERS = ["uehara", "uchida", "imai"];
const TEXTS: Record<string, string> = {
  INFO: "This is Information.",
  WARNING: "This is Warning.",
  ERROR: "This is ERROR.",
  CRITICAL: "This is Critical.",
};

/** One event's message: its position, its time (epoch ms) and the event's random source. */
export type MessageOf = (i: number, ts: number, rand: (n: number) => number) => string;

/** The hands-on's events: JSON as our agent writes it, one in ten a plain line (a writer that does not parse). */
const handsOnMessage: MessageOf = (i, ts, rand) => {
  const level = LOG_LEVELS[rand(4)];
  const jst = new Date(ts + 9 * 3_600_000).toISOString().replace("T", " ").slice(0, 19) + "+0900";
  return i % 10 === 9
    ? `[${jst}] ${level} ${HOSTS[rand(3)]} ${USERS[rand(3)]} ${1000 + rand(100)} [${TEXTS[level]} request ${rand(1e9).toString(36)}]`
    : JSON.stringify({
        timestamp: jst,
        alarmlevel: level,
        host: HOSTS[rand(3)],
        user: USERS[rand(3)],
        number: 1000 + rand(100),
        text: `${TEXTS[level]} request ${rand(1e9).toString(36)}`,
      });
};

/** Events of a JSON format: every declared field with a value of its type (strings from 20 per field). */
export function jsonMessageOf(schema: EventSchema): MessageOf {
  return (_i, ts, rand) => {
    const record: Record<string, unknown> = {};
    for (const f of schema.fields) {
      record[f.name] =
        f.type === "timestamp"
          ? formatTime(ts, schema.timeFormat)
          : f.type === "long"
            ? rand(100_000)
            : f.type === "double"
              ? rand(100_000) / 10
              : f.type === "boolean"
                ? rand(2) === 1
                : `${f.name}-${rand(20)}`;
    }
    return JSON.stringify(record);
  };
}

/** A subscription event as CloudWatch Logs sends it, with the hands-on's messages (or `messageOf`'s). */
export function realisticEvent(
  targetCompressedBytes = 1_000_000,
  messageOf: MessageOf = handsOnMessage,
): {
  event: CloudWatchLogsEvent;
  events: number;
} {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const start = Date.UTC(2026, 0, 15, 23, 0, 0);
  const makePayload = (count: number): CloudWatchLogsDecodedData => ({
    messageType: "DATA_MESSAGE",
    owner: "123456789012",
    logGroup: "/datalake/dev/speed/app",
    logStream: "ip-10-10-0-12.ap-northeast-1.compute.internal",
    subscriptionFilters: ["speed-forwarder"],
    logEvents: Array.from({ length: count }, (_v, i) => {
      const ts = start + i * 37 + rand(30);
      const message = messageOf(i, ts, rand);
      return {
        id: (BigInt(ts) * 10n ** 40n + BigInt(i)).toString().padStart(56, "3"),
        timestamp: ts,
        message,
      };
    }),
  });
  // Grow the event count until the gzip size reaches the target.
  let count = 10_000;
  for (;;) {
    const data = gzipSync(Buffer.from(JSON.stringify(makePayload(count)))).toString("base64");
    const compressed = (data.length * 3) / 4;
    if (compressed >= targetCompressedBytes) return { event: { awslogs: { data } }, events: count };
    count = Math.ceil(count * Math.min(2, (targetCompressedBytes / compressed) * 1.02));
  }
}

/**
 * The strongest straightforward implementation, the console blueprint's way: parse the message's
 * JSON (or, for a plain line, run the hands-on parser), assign our `@` fields on that object,
 * JSON.stringify the action and the document, concatenate.
 */
export function baseline(event: CloudWatchLogsEvent, indexPrefix = "cwl"): string {
  const payload = JSON.parse(
    gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString("utf8"),
  ) as CloudWatchLogsDecodedData;
  if (payload.messageType === "CONTROL_MESSAGE") return "";
  let body = "";
  for (const e of payload.logEvents) {
    const iso = new Date(e.timestamp).toISOString();
    let source: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(e.message);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
        source = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: a plain line.
    }
    if (!source) {
      const line = parseLogLine(e.message);
      source = line
        ? { ...line, number: /^\d{1,15}$/.test(line.number) ? Number(line.number) : line.number }
        : {};
    }
    source["@id"] = e.id;
    source["@timestamp"] = iso;
    source["@message"] = e.message;
    source["@owner"] = payload.owner;
    source["@log_group"] = payload.logGroup;
    source["@log_stream"] = payload.logStream;
    const action = {
      index: {
        _index: `${indexPrefix}-${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)}`,
        _id: e.id,
      },
    };
    body += JSON.stringify(action) + "\n" + JSON.stringify(source) + "\n";
  }
  return body;
}

/** The forwarder's work for one event: decode, then every body the handler would send. */
export function forwarder(event: CloudWatchLogsEvent, format: ForwarderFormat = HANDS_ON_FORMAT): string[] {
  const bodies = bulkBodies(decodeEvent(event), { maxChars: DEFAULT_BULK_MAX_BYTES, format });
  const out: string[] = [];
  for (let b = bodies.next(); b !== undefined; b = bodies.next()) out.push(b);
  return out;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[], digits: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return [sorted[0], median(xs), sorted[sorted.length - 1]].map((x) => x.toFixed(digits)).join(" / ");
};

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, Node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`;
}

/**
 * Pairs of runs (the order alternates: baseline first, then forwarder first) for `seconds`, so
 * load from other processes on a shared machine falls on both alike; one ratio per pair.
 */
function compare(
  event: CloudWatchLogsEvent,
  seconds: number,
  format: ForwarderFormat,
): { base: number[]; ours: number[] } {
  const base: number[] = [];
  const ours: number[] = [];
  const time = (f: () => unknown) => {
    global.gc?.();
    const start = now();
    f();
    return now() - start;
  };
  forwarder(event, format); // warm-up (JIT)
  baseline(event);
  const deadline = now() + seconds * 1000;
  for (let pair = 0; now() < deadline || pair < 3; pair++) {
    if (pair % 2 === 0) {
      base.push(time(() => baseline(event)));
      ours.push(time(() => forwarder(event, format)));
    } else {
      ours.push(time(() => forwarder(event, format)));
      base.push(time(() => baseline(event)));
    }
  }
  return { base, ours };
}

/** Milliseconds per phase of the forwarder, each measured on its own, `runs` times. */
function profile(event: CloudWatchLogsEvent, runs: number, format: ForwarderFormat): void {
  const phases: Record<string, number[]> = {
    "base64 decode": [],
    gunzip: [],
    "bytes to text": [],
    "payload JSON.parse": [],
    "bodies (per-event work and joins)": [],
    "  of which joins (estimate)": [],
    "decodeEvent + bodies, together": [],
  };
  const timed = <T>(name: string, f: () => T): T => {
    const start = now();
    const result = f();
    phases[name].push(now() - start);
    return result;
  };
  for (let r = 0; r < runs + 1; r++) {
    global.gc?.();
    const gzip = timed("base64 decode", () => Buffer.from(event.awslogs.data, "base64"));
    const isize = gzip.readUInt32LE(gzip.length - 4);
    const raw = timed("gunzip", () => gunzipSync(gzip, { chunkSize: isize + 64 }));
    const text = timed("bytes to text", () => raw.toString("latin1"));
    const data = timed("payload JSON.parse", () => JSON.parse(text) as CloudWatchLogsDecodedData);
    global.gc?.();
    const bodies = timed("bodies (per-event work and joins)", () => {
      const b = bulkBodies(data, { maxChars: DEFAULT_BULK_MAX_BYTES, format });
      const out: string[] = [];
      for (let x = b.next(); x !== undefined; x = b.next()) out.push(x);
      return out;
    });
    // The builder joins its pieces every 4,096 (about 300 KB) and then those into a body: the same
    // bytes joined again from 300 KB pieces is what the second join costs.
    const pieces = bodies.map((b) => {
      const out: string[] = [];
      for (let p = 0; p < b.length; p += 300_000)
        out.push(Buffer.from(b.slice(p, p + 300_000)).toString("latin1"));
      return out;
    });
    global.gc?.();
    timed("  of which joins (estimate)", () => pieces.map((p) => p.join("")));
    global.gc?.();
    timed("decodeEvent + bodies, together", () => forwarder(event, format));
    if (r === 0) for (const k of Object.keys(phases)) phases[k].length = 0; // the first run warms up
  }
  const total = median(phases["decodeEvent + bodies, together"]);
  console.log(`phase (median of ${runs} runs, ms; share of the forwarder's total ${total.toFixed(0)} ms)`);
  for (const [name, ms] of Object.entries(phases)) {
    console.log(
      `${name.padEnd(36)} ${median(ms).toFixed(1).padStart(8)}   ${((100 * median(ms)) / total).toFixed(0).padStart(3)} %`,
    );
  }
}

export const BENCH_FORWARDER_COMMAND: CommandSpec = {
  command: "npm run bench:forwarder --",
  summary:
    "The forwarder's hot path (decodeEvent and the _bulk bodies) on a realistic 1 MB gzip subscription event " +
    "against the console blueprint's way: checks both give the same bytes, then times them in alternating pairs " +
    "and prints each one's median and the spread of the per-pair ratio.",
  options: {
    seconds: { type: "string", value: "N", description: "how long to time pairs (default 20)" },
    profile: { type: "boolean", description: "print where the forwarder's time goes instead" },
    format: {
      type: "string",
      value: "STACK",
      description: "events of the JSON datalake:format of Pulumi.STACK.yaml instead of the hands-on's",
    },
  },
};

/** The JSON format of Pulumi.<stack>.yaml, checked as the stack's config check does. */
function stackFormat(stack: string): EventSchema {
  const raw = readStackConfig(process.cwd(), stack, PROJECT).config[`${PROJECT}:format`];
  if (raw === undefined)
    throw new UsageError(`Pulumi.${stack}.yaml sets no ${PROJECT}:format; name a stack that does.`);
  const schema = JSON.parse(raw) as EventSchema;
  const problems = schemaProblems(schema);
  if (problems.length > 0) {
    throw new UsageError(`Pulumi.${stack}.yaml: ${PROJECT}:format ${problems[0].message}.`);
  }
  if (schema.kind !== "json") {
    throw new UsageError(
      `Pulumi.${stack}.yaml: ${PROJECT}:format is a ${schema.kind} format; the comparison needs a JSON one (the baseline parses JSON).`,
    );
  }
  return schema;
}

function main(): number {
  const { values } = parseCommandLine(BENCH_FORWARDER_COMMAND, process.argv.slice(2));
  const seconds = Number(values.seconds ?? 20);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--seconds is ${values.seconds as string}; give a positive number.`);
  const schema = typeof values.format === "string" ? stackFormat(values.format) : undefined;
  const format = schema === undefined ? HANDS_ON_FORMAT : forwarderFormat(schema);
  const { event, events } = realisticEvent(
    1_000_000,
    schema === undefined ? undefined : jsonMessageOf(schema),
  );
  const compressed = Math.round((event.awslogs.data.length * 3) / 4);
  console.log(`machine: ${machine()}`);
  console.log(
    `event: ${events} log events (${schema === undefined ? "the hands-on's format" : `format ${schema.name}, JSON`}), ${(compressed / 1e6).toFixed(2)} MB compressed`,
  );
  if (forwarder(event, format).join("") !== baseline(event)) {
    throw new Error(
      "the forwarder's and the baseline's bulk bodies differ: the benchmark would compare different work",
    );
  }
  console.log("output: the forwarder's bodies joined are byte-identical to the baseline's body");
  if (values.profile === true) {
    profile(event, 7, format);
    return 0;
  }
  const { base, ours } = compare(event, seconds, format);
  const ratios = base.map((b, i) => b / ours[i]);
  console.log(`baseline  median ${median(base).toFixed(0)} ms per batch (${base.length} runs)`);
  console.log(`forwarder median ${median(ours).toFixed(0)} ms per batch (${ours.length} runs)`);
  console.log(`speed-up per pair, min / median / max: ${spread(ratios, 2)}x`);
  return 0;
}

if (require.main === module) runCommand("bench:forwarder", main);
