/**
 * Benchmark of the forwarder's hot path (`npm run bench:forwarder`): decodeEvent + buildBulkBody on
 * a realistic subscription event of about 1 MB compressed, against a straightforward baseline
 * (JSON.parse/JSON.stringify of document objects, joined at the end). Prints events per second and
 * peak memory of each, and the speed-up. Options: `--seconds N` per variant (default 10).
 */
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from "aws-lambda";
import { gzipSync, gunzipSync } from "zlib";
import { buildBulkBody, decodeEvent } from "../../components/speed/forwarder/transform";
import { LOG_LEVELS, parseLogLine } from "../../components/shared/logformat";

const HOSTS = ["prd-db02", "prd-web002", "prd-ap001"];
const USERS = ["uehara", "uchida", "imai"];
const TEXTS: Record<string, string> = {
  INFO: "This is Information.",
  WARNING: "This is Warning.",
  ERROR: "This is ERROR.",
  CRITICAL: "This is Critical.",
};

/** A subscription event as CloudWatch Logs sends it, with JSON messages as our agent writes them. */
export function realisticEvent(targetCompressedBytes = 1_000_000): {
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
      const level = LOG_LEVELS[rand(4)];
      const jst = new Date(ts + 9 * 3_600_000).toISOString().replace("T", " ").slice(0, 19) + "+0900";
      // One in ten lines is a plain hands-on line (a writer that does not parse), the rest JSON.
      const message =
        i % 10 === 9
          ? `[${jst}] ${level} ${HOSTS[rand(3)]} ${USERS[rand(3)]} ${1000 + rand(100)} [${TEXTS[level]} request ${rand(1e9).toString(36)}]`
          : JSON.stringify({
              timestamp: jst,
              alarmlevel: level,
              host: HOSTS[rand(3)],
              user: USERS[rand(3)],
              number: 1000 + rand(100),
              text: `${TEXTS[level]} request ${rand(1e9).toString(36)}`,
            });
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

interface Result {
  readonly eventsPerSecond: number;
  readonly peakRssMiB: number;
  readonly peakHeapMiB: number;
  readonly iterations: number;
}

/**
 * Runs the variants in turn (A, B, A, B, ...) for `seconds` in total, so that load from other
 * processes on a shared machine falls on both alike. Memory is sampled right after each run, while
 * its result is still alive.
 */
function measure(
  variants: Record<string, () => string>,
  seconds: number,
  eventsPerRun: number,
): Record<string, Result> {
  const names = Object.keys(variants);
  const stats = Object.fromEntries(names.map((n) => [n, { ns: 0n, runs: 0, rss: 0, heap: 0 }]));
  for (const n of names) variants[n](); // warm-up (JIT)
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    for (const n of names) {
      global.gc?.();
      const start = process.hrtime.bigint();
      const body = variants[n]();
      const end = process.hrtime.bigint();
      const m = process.memoryUsage();
      if (body.length === 0) throw new Error("empty body");
      const st = stats[n];
      st.ns += end - start;
      st.runs++;
      st.rss = Math.max(st.rss, m.rss);
      st.heap = Math.max(st.heap, m.heapUsed);
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const st = stats[n];
      return [
        n,
        {
          eventsPerSecond: (st.runs * eventsPerRun) / (Number(st.ns) / 1e9),
          peakRssMiB: st.rss / 2 ** 20,
          peakHeapMiB: st.heap / 2 ** 20,
          iterations: st.runs,
        },
      ];
    }),
  );
}

function main(): void {
  const secondsArg = process.argv.indexOf("--seconds");
  const seconds = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 10;
  const { event, events } = realisticEvent();
  const ours = () => buildBulkBody(decodeEvent(event));
  const theirs = () => baseline(event);
  if (ours() !== theirs()) {
    throw new Error(
      "the optimized and the baseline bulk bodies differ: the benchmark would compare different work",
    );
  }
  const compressed = Math.round((event.awslogs.data.length * 3) / 4);
  console.log(
    `event: ${events} log events, ${(compressed / 1e6).toFixed(2)} MB compressed, ${seconds}s of alternating runs`,
  );
  const { baseline: b, forwarder: o } = measure({ baseline: theirs, forwarder: ours }, seconds, events);
  const row = (label: string, r: Result) =>
    `${label.padEnd(10)} ${Math.round(r.eventsPerSecond).toLocaleString("en-US").padStart(12)} events/s   peak RSS ${r.peakRssMiB.toFixed(0)} MiB   peak heap ${r.peakHeapMiB.toFixed(0)} MiB   (${r.iterations} runs)`;
  console.log(row("baseline", b));
  console.log(row("forwarder", o));
  console.log(`speed-up: ${(o.eventsPerSecond / b.eventsPerSecond).toFixed(2)}x`);
}

if (require.main === module) main();
