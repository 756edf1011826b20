/**
 * Figures measured on this project's own code, each with the command that printed it and its
 * spread. They come from a shared 2-core machine (AMD EPYC, Node v20.20.2) with other engineers'
 * jobs running (load average 20-25 while they ran), so they are slower than an idle machine and
 * therefore conservative for the model. docs/sizing.md repeats them with the comparison to the
 * model's prediction.
 */

import { AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX } from "../../components/shared/names";
import {
  BULK_DOCUMENTS_PER_SECOND,
  BYTES_ON_DISK_PER_DOCUMENT,
  MEASURED_ENGINE,
} from "../../components/speed/measured";
import { generatorEventBytes } from "../../stacks/workload";

export interface Measured {
  readonly value: number;
  /** The command that printed it. */
  readonly command: string;
  /** min / median / max, or the run count when there was one run. */
  readonly spread: string;
}

/** Average message bytes of the forwarder bench's 1 MB event (realisticEvent in tools/bench/forwarder.ts). */
const CWL_BENCH_MESSAGE_BYTES = 146.9;
/** vCPUs of the machine the OpenSearch figures were measured on. */
const MEASURED_NODE_VCPUS = 2;

const m = (value: number, command: string, spread: string): Measured => ({ value, command, spread });

/**
 * The forwarder handler (bundled as deployed, own process, SigV4 client, `_bulk` fake in a third
 * process) on CloudWatch Logs' largest delivery, about 1 MB gzip: peak RSS (what Lambda reports as
 * "Max Memory Used") and events/s of one invocation.
 */
export const FORWARDER_LARGEST_BATCH = {
  events: m(
    48_388,
    "npm run bench:forwarder-memory -- --runs 3 --gzip-bytes 1000000",
    "the event the bench builds",
  ),
  peakRssMiB: m(195, "npm run bench:forwarder-memory -- --runs 3 --gzip-bytes 1000000", "193 / 195 / 195"),
  /** Wall clock in a fresh process (JIT cold), including the fake's answers. */
  eventsPerSecond: m(
    6124,
    "npm run bench:forwarder-memory -- --runs 3 --gzip-bytes 1000000",
    "5,480 / 6,124 / 8,807",
  ),
} as const;

/**
 * The forwarder over 1,000,000 events in 153 deliveries in one warm process (the load test's speed
 * half): events per CPU-second of the handler (decode, documents, `_bulk` bodies, the client's
 * requests), which is what a Lambda vCPU delivers. The wall-clock rate on the shared machine was
 * 6,156 events/s (per delivery 1,942 / 6,490 / 19,138): the handler spent most of its wall time
 * waiting for a CPU and for the fake `_bulk`, which parses every document in its own process.
 */
export const FORWARDER_SUSTAINED = m(
  132_904,
  "npm run bench:load -- --lines 1000000",
  "one run of 153 deliveries; a run without CPU accounting gave 5,326 events/s wall",
);

/** The Glue job on local Spark (`local[2]`, 2 cores) over generator data in Firehose's layout. */
export const GLUE_LOCAL = {
  /**
   * Events per CPU-second of the job's processes (driver, JVM, Python workers), fixed cost
   * excluded: (1,000,000 - 20,000) events / (110.1 - 29.5) CPU-seconds.
   */
  eventsPerSecondPerCore: m(
    12_159,
    "npm run bench:glue -- --lines 1000000 (CPU 110.1 s) and -- --lines 20000 (CPU 29.5 s)",
    "one run each; wall 915.0 s and 117.4 s on the loaded machine",
  ),
  /** Wall time of a run over 20,000 events: the job's fixed cost (Spark start-up, listing, commit). */
  fixedSeconds: m(117.4, "npm run bench:glue -- --lines 20000", "one run; an earlier one took 128.7 s"),
  peakRssMiB: m(1509, "npm run bench:glue -- --lines 5000000", "one run; 1,074 MiB at 1,000,000 events"),
} as const;

/** Bytes per event of the generator's records, as stored (the 5,000,000-event run). */
export const LAKE_BYTES = {
  /** Newline-delimited JSON record, before compression. */
  rawJson: m(135.0, "npm run bench:glue -- --lines 5000000", "135.0-138.9 over the four runs"),
  /** gzip objects as Firehose writes them. */
  rawGzip: m(5.9, "npm run bench:glue -- --lines 5000000", "5.9-6.9 over the four runs"),
  /** Curated Snappy Parquet, all columns. */
  parquet: m(2.7, "npm run bench:glue -- --lines 5000000", "2.6-4.6 over the four runs"),
} as const;

/** The commands of the format measurement (the example stack's web-service format, JSON). */
const FORMAT_RATE_RUN = "npm run bench:glue -- --format example-app --lines 1000000";
const FORMAT_FIXED_RUN = "npm run bench:glue -- --format example-app --lines 20000";

/**
 * The Glue job on local Spark (`local[2]`, 2 cores) over a format of a stack's own: the example
 * stack's web-service JSON format (Pulumi.example-app.yaml; tools/etl/formatEvents.ts: the six
 * declared fields plus `request_id`, `host` and, on some events, `client`, `tags` and `retry`,
 * which the job keeps in `attributes`), read line by line with `--event_schema`. The model takes it
 * for every stack whose format is not the hands-on's; a text format runs its pattern instead of
 * a JSON parse per line and is not measured. Measured on the same machine as {@link GLUE_LOCAL},
 * on another day with a lighter load (load average 2.0-9.5 while they ran, against 20-25): the
 * hands-on's job that day, `npm run bench:glue -- --lines 1000000` and `-- --lines 20000` (three
 * runs), used 92.9 CPU-seconds and 23.0 (22.4 / 23.0 / 23.2), so 14,020 events per CPU-second
 * (against the recorded 12,159), with a wall time of 23.6 / 28.0 / 44.2 s over 20,000 events.
 */
export const GLUE_LOCAL_FORMAT = {
  /** The format measured, and its stack. */
  format: "web-service (Pulumi.example-app.yaml, json)",
  /**
   * Events per CPU-second of the job's processes, fixed cost excluded, from the medians:
   * (1,000,000 - 20,000) events / (96.3 - 19.7) CPU-seconds.
   */
  eventsPerSecondPerCore: m(
    12_794,
    `${FORMAT_RATE_RUN} (CPU 96.3 s, median) and ${FORMAT_FIXED_RUN} (CPU 19.7 s, median)`,
    "CPU 95.2 / 96.3 / 97.3 s (3 runs) and 18.9 / 19.5 / 19.9 / 20.1 s (4 runs); per pair of runs 12,500 / 12,861 / 12,946",
  ),
  /** Wall time of a run over 20,000 events: the job's fixed cost (Spark start-up, listing, commit). */
  fixedSeconds: m(13.5, FORMAT_FIXED_RUN, "11.4 / 12.0 / 14.9 / 18.5 s (4 runs, median 13.45)"),
  peakRssMiB: m(1376, FORMAT_RATE_RUN, "1,351 / 1,376 / 1,376 MiB (3 runs)"),
} as const;

/** Bytes per event of the format measurement's records, as stored (the same in every run: the events are generated from a fixed seed). */
export const LAKE_BYTES_FORMAT = {
  /** Newline-delimited JSON line, before compression. */
  rawJson: m(194.3, FORMAT_RATE_RUN, "194.3 in all 7 runs"),
  /** gzip objects as Firehose writes them. */
  rawGzip: m(26.0, FORMAT_RATE_RUN, "26.0 in all 7 runs"),
  /** Curated Snappy Parquet, all columns (`attributes` included). */
  parquet: m(39.2, FORMAT_RATE_RUN, "39.2 in the 3 runs of 1,000,000 events; 47.3 over 20,000"),
} as const;

/**
 * OpenSearch, measured on a real node (components/speed/measured.ts, `npm run bench:opensearch`):
 * bytes on disk per document of each family, as a multiple of the event's JSON bytes (the rule: on
 * disk grows with the event), and `_bulk` documents/s per data-node vCPU (the slowest sample of
 * the 2-vCPU node, per vCPU).
 */
export const OPENSEARCH = {
  placeholder: false,
  /** testappec2log-*: the agent's parsed generator lines (about {@link generatorEventBytes} bytes each). */
  agentBytesPerEventByte: BYTES_ON_DISK_PER_DOCUMENT[AGENT_INDEX_PREFIX].max / generatorEventBytes(),
  /** cwl-*: the forwarder's documents of the bench's 1 MB event, whose messages average 146.9 bytes. */
  cwlBytesPerEventByte: BYTES_ON_DISK_PER_DOCUMENT[FORWARDER_INDEX_PREFIX].max / CWL_BENCH_MESSAGE_BYTES,
  docsPerSecondPerVcpu: BULK_DOCUMENTS_PER_SECOND.heap1GiB.min / MEASURED_NODE_VCPUS,
  source:
    `${MEASURED_ENGINE} node, npm run bench:opensearch (components/speed/measured.ts): ` +
    `${BYTES_ON_DISK_PER_DOCUMENT[FORWARDER_INDEX_PREFIX].max} B on disk per cwl-* document of 146.9-byte messages, ` +
    `${BYTES_ON_DISK_PER_DOCUMENT[AGENT_INDEX_PREFIX].max} B per testappec2log-* document, ` +
    `_bulk ${BULK_DOCUMENTS_PER_SECOND.heap1GiB.min} documents/s (slowest sample) on ${MEASURED_NODE_VCPUS} shared vCPUs`,
} as const;
