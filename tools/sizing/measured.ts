/**
 * Figures measured on this project's own code, each with the command that printed it and its
 * spread. They come from a shared 2-core machine (AMD EPYC, Node v20.20.2) with other engineers'
 * jobs running (load average 20-25 while they ran), so they are slower than an idle machine and
 * therefore conservative for the model. docs/sizing.md repeats them with the comparison to the
 * model's prediction.
 */

export interface Measured {
  readonly value: number;
  /** The command that printed it. */
  readonly command: string;
  /** min / median / max, or the run count when there was one run. */
  readonly spread: string;
}

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
  eventsPerSecond: m(6124, "npm run bench:forwarder-memory -- --runs 3 --gzip-bytes 1000000", "5,480 / 6,124 / 8,807"),
} as const;

/**
 * The forwarder over 1,000,000 events in 153 deliveries in one warm process (the load test's speed
 * half): events per CPU-second of the handler (decode, documents, `_bulk` bodies, the client's
 * requests), which is what a Lambda vCPU delivers. The wall-clock rate on the shared machine was
 * 6,156 events/s (per delivery 1,942 / 6,490 / 19,138): the handler spent most of its wall time
 * waiting for a CPU and for the fake `_bulk`, which parses every document in its own process.
 */
export const FORWARDER_SUSTAINED = m(132_904, "npm run bench:load -- --lines 1000000", "one run of 153 deliveries; a run without CPU accounting gave 5,326 events/s wall");

/** The Glue job on local Spark (`local[2]`, 2 cores) over generator data in Firehose's layout. */
export const GLUE_LOCAL = {
  /** Events/s per core over the 5,000,000-event run, fixed start-up time excluded. */
  eventsPerSecondPerCore: m(2000, "npm run bench:glue -- --lines 5000000", "pending"),
  /** Wall time of a run over 20,000 events: the job's fixed cost (Spark start-up, listing, commit). */
  fixedSeconds: m(129, "npm run bench:glue -- --lines 20000", "one run, 128.7 s"),
  peakRssMiB: m(638, "npm run bench:glue -- --lines 20000", "one run"),
} as const;

/** Bytes per event of the generator's records, as stored (from the same runs). */
export const LAKE_BYTES = {
  /** Newline-delimited JSON record, before compression. */
  rawJson: m(136.6, "npm run bench:glue -- --lines 20000", "deterministic (seed 1)"),
  /** gzip objects as Firehose writes them. */
  rawGzip: m(6.3, "npm run bench:glue -- --lines 20000", "deterministic (seed 1)"),
  /** Curated Snappy Parquet, all columns. */
  parquet: m(4.4, "npm run bench:glue -- --lines 20000", "deterministic (seed 1)"),
} as const;

/**
 * OpenSearch: bytes on disk per document (primary store, per index family, as a multiple of the
 * event's JSON bytes) and `_bulk` documents/s per data-node vCPU.
 *
 * PLACEHOLDER until measured on a real node: chosen on the unsafe side of the usual figures
 * (AWS's sizing guide counts the index at up to 110 % of the source, and `cwl-*` documents carry
 * the event twice, parsed fields and `@message`), so the storage and indexing checks fail before a
 * real node would. Every row that uses them says "placeholder".
 */
export const OPENSEARCH = {
  placeholder: true,
  /** testappec2log-*: the agent's parsed record. */
  agentBytesPerEventByte: 1.5,
  /** cwl-*: the parsed fields, `@message` (the event again) and six `@` fields. */
  cwlBytesPerEventByte: 3,
  docsPerSecondPerVcpu: 1000,
  source:
    "placeholder (conservative): 1.5x (testappec2log-*) and 3x (cwl-*) the event's JSON bytes on disk, 1,000 _bulk documents/s per data-node vCPU",
} as const;
