/**
 * The capacity model: for a stack's config and its workload, every stage's demand against its
 * capacity, with the source of each limit. Pure (no I/O): the plan, `npm run size` and the tests
 * call it with table-style inputs.
 *
 * Rules it states once:
 * - Rates are the workload's average; a stage that must absorb bursts is checked at the peak
 *   (average × peakFactor); storage and cost use the average.
 * - The agent ships every generator line to all three destinations; every event reaches CloudWatch
 *   Logs (and through the forwarder `cwl-*`) and Firehose; `speedShare` of them are indexed.
 * - Local measurements scale linearly with vCPUs (Lambda: memory / 1,769 MB of a vCPU; Glue: the
 *   executors' vCPUs, one worker being the driver).
 * - The Glue job's rate and fixed time and the lake's bytes per event are the hands-on's
 *   measurement for the hands-on's format, and the web-service format's for any format of a
 *   stack's own (`isHandsOn`).
 */
import {
  AGENT_BUFFER_LIMIT_BYTES,
  AGENT_CHUNK_LIMIT_BYTES,
  AGENT_FLUSH_SECONDS,
} from "../../components/network/agent/render";
import { GENERIC_QUERY_DAYS_BACK, genericNamedQueries } from "../../components/batch/queries";
import { EventSchema, HANDS_ON_SCHEMA, isHandsOn } from "../../components/shared/schema";
import { indexReplicas } from "../../components/speed";
import { FORWARDER_TIMEOUT_SECONDS } from "../../components/speed/forwarder/env";
import type { PlatformConfig } from "../../stacks/config";
import type { Workload } from "../../stacks/workload";
import {
  ATHENA_MIN_BYTES_PER_QUERY,
  FIREHOSE_BATCH_RECORDS,
  FIREHOSE_DIRECT_PUT,
  GLUE_VCPU_PER_DPU,
  GLUE_WORKER,
  LAMBDA_MB_PER_VCPU,
  OPENSEARCH_HEAP,
  OPENSEARCH_SHARDS,
  OPENSEARCH_STORAGE,
  PUT_LOG_EVENTS,
  firehoseQuota,
  openSearchInstance,
} from "./limits";
import {
  FORWARDER_LARGEST_BATCH,
  FORWARDER_SUSTAINED,
  GLUE_LOCAL,
  GLUE_LOCAL_FORMAT,
  LAKE_BYTES,
  LAKE_BYTES_FORMAT,
  OPENSEARCH,
} from "./measured";

export const DAY_SECONDS = 86_400;
export const MONTH_SECONDS = 30 * DAY_SECONDS;
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** Utilisation from which a check warns. */
export const WARN_AT = 0.8;
/** The destination outage the agent's buffers are expected to ride out without loss (minutes). */
export const AGENT_OUTAGE_TARGET_MINUTES = 60;

/**
 * Partitions (UTC days) each of the hands-on's named queries over the raw table reads
 * (components/batch/queries.ts): today; the last 7 days and today; yesterday and today; yesterday.
 */
export const NAMED_QUERY_DAYS: Readonly<Record<string, number>> = {
  preview: 1,
  "count-by-level": 8,
  "errors-per-host": 2,
  "per-user-day": 1,
};

/**
 * Partitions (UTC days) each named query over the raw table reads under a format: the hands-on's
 * set ({@link NAMED_QUERY_DAYS}), or the generic set's (its days back, and today).
 */
export function namedQueryDays(schema: EventSchema): Readonly<Record<string, number>> {
  if (isHandsOn(schema)) return NAMED_QUERY_DAYS;
  return Object.fromEntries(
    genericNamedQueries("lake", "raw", schema).map((q) => [
      q.key,
      GENERIC_QUERY_DAYS_BACK[q.key as keyof typeof GENERIC_QUERY_DAYS_BACK] + 1,
    ]),
  );
}

export type Level = "ok" | "warn" | "fail";

/** One checked limit of one stage. */
export interface Check {
  /** Stable id, e.g. `opensearch.storage`. */
  readonly id: string;
  readonly stage: string;
  /** What is compared, in words. */
  readonly what: string;
  readonly demand: number;
  readonly capacity: number;
  readonly unit: string;
  /** Where the capacity (and any measured input) comes from. */
  readonly source: string;
  /** The config key that lifts the limit. */
  readonly configKey: string;
  /** The change that lifts it, in words. */
  readonly fix: string;
  /** Which way `configKey` moves to lift the limit (numeric keys only; default up). */
  readonly lift?: "up" | "down";
  /** A guideline, not a hard limit: warns, never fails. */
  readonly advisory?: boolean;
  /** Uses a placeholder figure (not yet measured). */
  readonly placeholder?: boolean;
}

/** A figure the model derives that has no limit of its own (sizes, counts, days). */
export interface Figure {
  readonly stage: string;
  readonly what: string;
  readonly value: number;
  readonly unit: string;
}

export interface SizingInput {
  readonly config: PlatformConfig;
  readonly workload: Workload;
  readonly region: string;
}

export interface Sizing {
  readonly input: SizingInput;
  readonly checks: readonly Check[];
  readonly figures: readonly Figure[];
  /** Quantities the usage cost is computed from. */
  readonly usage: UsageQuantities;
}

/** Monthly quantities at the declared (average) volume. */
export interface UsageQuantities {
  readonly cwlIngestedGB: number;
  /** Ingested GB held over the log group's retention (billed compressed). */
  readonly cwlRetainedGB: number;
  /** Records put to Firehose, and the bytes of each (Firehose bills each in 5 KB increments). */
  readonly firehoseRecords: number;
  readonly firehoseRecordBytes: number;
  readonly firehoseObjects: number;
  readonly rawStandardGB: number;
  readonly rawIaGB: number;
  readonly rawArchiveGB: number;
  readonly curatedGB: number;
  readonly lambdaInvocations: number;
  readonly lambdaGbSeconds: number;
  readonly glueDpuHours: number;
  readonly athenaQueries: number;
  readonly athenaTB: number;
  readonly natGB: number;
}

export function utilisation(c: Check): number {
  return c.capacity > 0 ? c.demand / c.capacity : Infinity;
}

export function level(c: Check): Level {
  const u = utilisation(c);
  if (u >= 1) return c.advisory ? "warn" : "fail";
  return u >= WARN_AT ? "warn" : "ok";
}

/**
 * Seconds between runs of a Glue cron schedule `cron(min hour dom month dow year)`: every N
 * minutes (`0/N`, `* /N`), hourly (fixed minute, any hour), every N hours, daily (fixed hour), or
 * the listed hours; undefined for a schedule it cannot reduce to one interval.
 */
export function cronIntervalSeconds(schedule: string): number | undefined {
  const m = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(schedule);
  if (!m) return undefined;
  const [, min, hour, dom, , dow] = m;
  const step = (f: string) => /^(?:\*|0)\/(\d+)$/.exec(f)?.[1];
  const everyDay = (dom === "*" || dom === "?") && (dow === "*" || dow === "?");
  if (!everyDay) return undefined;
  if (min === "*") return hour === "*" ? 60 : undefined;
  const minStep = step(min);
  if (minStep) return hour === "*" ? Number(minStep) * 60 : undefined;
  if (!/^\d+$/.test(min)) return undefined;
  if (hour === "*") return 3600;
  const hourStep = step(hour);
  if (hourStep) return Number(hourStep) * 3600;
  if (/^\d+$/.test(hour)) return DAY_SECONDS;
  if (/^\d+(,\d+)+$/.test(hour)) {
    const hours = hour
      .split(",")
      .map(Number)
      .sort((a, b) => a - b);
    const gaps = hours.map((h, i) => (i + 1 < hours.length ? hours[i + 1] - h : 24 - h + hours[0]));
    return Math.max(...gaps) * 3600;
  }
  return undefined;
}

/** Events/s one forwarder invocation processes at `memoryMb`: the measured rate per vCPU × its vCPU share. */
export function forwarderEventsPerSecond(memoryMb: number): number {
  return FORWARDER_SUSTAINED.value * Math.min(1, memoryMb / LAMBDA_MB_PER_VCPU.value);
}

/**
 * The Glue job's measured rate and fixed time for a format: the hands-on's ({@link GLUE_LOCAL}), or,
 * for any format of a stack's own, the web-service format's ({@link GLUE_LOCAL_FORMAT}).
 */
export function glueMeasurement(
  schema: EventSchema,
): Pick<typeof GLUE_LOCAL, "eventsPerSecondPerCore" | "fixedSeconds"> {
  return isHandsOn(schema) ? GLUE_LOCAL : GLUE_LOCAL_FORMAT;
}

/** Measured bytes per event of the raw JSON, its gzip and the curated Parquet, for a format (as {@link glueMeasurement}). */
export function lakeBytes(schema: EventSchema): typeof LAKE_BYTES {
  return isHandsOn(schema) ? LAKE_BYTES : LAKE_BYTES_FORMAT;
}

/** Seconds of one Glue run over `events` of `schema` with `workers` of `workerType`. */
export function glueRunSeconds(
  events: number,
  workerType: string,
  workers: number,
  schema: EventSchema = HANDS_ON_SCHEMA,
): number {
  const vcpus = Math.max(1, workers - 1) * (GLUE_WORKER.value[workerType] ?? 1) * GLUE_VCPU_PER_DPU;
  const g = glueMeasurement(schema);
  return g.fixedSeconds.value + events / (g.eventsPerSecondPerCore.value * vcpus);
}

/** Usable GiB of one OpenSearch data node before the free-storage alarm fires. */
export function openSearchUsableGiB(volumeGiB: number, freeStorageSharePercent: number): number {
  const s = OPENSEARCH_STORAGE.value;
  return Math.max(
    0,
    volumeGiB * (1 - s.linuxReserved) -
      Math.min(volumeGiB * s.serviceReserved, s.serviceReservedCapGiB) -
      (volumeGiB * freeStorageSharePercent) / 100,
  );
}

/** The model. */
export function sizeStack(input: SizingInput): Sizing {
  const { config: c, workload: w, region } = input;
  const checks: Check[] = [];
  const figures: Figure[] = [];
  const figure = (stage: string, what: string, value: number, unit: string) =>
    figures.push({ stage, what, value, unit });

  const schema = c.format ?? HANDS_ON_SCHEMA;
  const rate = w.eventsPerSecond;
  const peak = rate * w.peakFactor;
  const bytes = w.eventBytes;
  const agentRate = w.agentEventsPerSecond;

  // --- Agent: the file buffer of each destination, per destination, at the agent's rate.
  if (agentRate > 0) {
    const minutes = AGENT_BUFFER_LIMIT_BYTES / (agentRate * bytes) / 60;
    checks.push({
      id: "agent.buffer",
      stage: "agent",
      what: `file buffer of each destination (${AGENT_BUFFER_LIMIT_BYTES / GIB} GiB) rides out an outage of that destination`,
      demand: AGENT_OUTAGE_TARGET_MINUTES,
      capacity: minutes,
      unit: "min",
      source: "total_limit_size in components/network/agent/render.ts; the generator's rate × event bytes",
      configKey: "datalake:generator.linesPerInterval",
      fix: "lower the generator's rate, or ship through fewer destinations",
      advisory: true,
    });
  }

  // --- CloudWatch Logs: the agent's PutLogEvents requests, one per chunk or flush.
  const cwlBytesPerSecond = (x: number) => x * (bytes + PUT_LOG_EVENTS.value.eventOverheadBytes);
  const deliveriesPerSecond = (x: number) =>
    Math.max(
      1 / AGENT_FLUSH_SECONDS.cloudwatchLogs,
      cwlBytesPerSecond(x) / Math.min(AGENT_CHUNK_LIMIT_BYTES, PUT_LOG_EVENTS.value.maxBytes),
      x / PUT_LOG_EVENTS.value.maxEvents,
    );
  checks.push({
    id: "cloudwatch.putLogEvents",
    stage: "CloudWatch Logs",
    what: "PutLogEvents requests at the peak (one per 1 MiB chunk or 5 s flush)",
    demand: deliveriesPerSecond(peak),
    capacity: c.quotas.cloudWatchLogsPutLogEventsPerSecond,
    unit: "req/s",
    source: `per-account quota (${PUT_LOG_EVENTS.source}); default not confirmed, set datalake:quotas to the account's value`,
    configKey: "datalake:quotas.cloudWatchLogsPutLogEventsPerSecond",
    fix: "request a PutLogEvents quota increase and set the granted value",
  });
  figure("CloudWatch Logs", "ingested per day", (cwlBytesPerSecond(rate) * DAY_SECONDS) / 1e9, "GB");

  // --- Forwarder: one invocation per delivery.
  const perInvocation = forwarderEventsPerSecond(c.speed.forwarderMemoryMb);
  const speedRate = rate * w.speedShare;
  checks.push({
    id: "forwarder.concurrency",
    stage: "forwarder",
    what: `concurrent invocations at the peak (${Math.round(perInvocation)} events/s each at ${c.speed.forwarderMemoryMb} MB)`,
    demand: Math.max(1, (peak * w.speedShare) / perInvocation),
    capacity: c.quotas.lambdaConcurrency,
    unit: "invocations",
    source: `${FORWARDER_SUSTAINED.command} (${FORWARDER_SUSTAINED.value} events per CPU-second) × memory / ${LAMBDA_MB_PER_VCPU.value} MB (${LAMBDA_MB_PER_VCPU.source}); account quota`,
    configKey: "datalake:speed.forwarderMemoryMb",
    fix: "raise the forwarder's memory (more CPU per invocation) or the account's Lambda concurrency (datalake:quotas.lambdaConcurrency)",
  });
  const largest = FORWARDER_LARGEST_BATCH.events.value;
  checks.push({
    id: "forwarder.timeout",
    stage: "forwarder",
    what: `time for the largest delivery (${largest} events, about 1 MB gzip)`,
    demand: largest / perInvocation,
    capacity: FORWARDER_TIMEOUT_SECONDS,
    unit: "s",
    source: `${FORWARDER_SUSTAINED.command}; FORWARDER_TIMEOUT_SECONDS`,
    configKey: "datalake:speed.forwarderMemoryMb",
    fix: "raise the forwarder's memory (CPU grows with it)",
  });
  checks.push({
    id: "forwarder.memory",
    stage: "forwarder",
    what: "peak memory at the largest delivery",
    demand: FORWARDER_LARGEST_BATCH.peakRssMiB.value,
    capacity: c.speed.forwarderMemoryMb,
    unit: "MB",
    source: `${FORWARDER_LARGEST_BATCH.peakRssMiB.command} (${FORWARDER_LARGEST_BATCH.peakRssMiB.spread} MiB)`,
    configKey: "datalake:speed.forwarderMemoryMb",
    fix: "raise the forwarder's memory",
  });
  const invocationsPerSecond = deliveriesPerSecond(speedRate);
  figure("forwarder", "invocations per day", invocationsPerSecond * DAY_SECONDS, "");

  // --- OpenSearch
  const s = c.speed;
  const replicas = indexReplicas(s.availabilityZoneCount, s.instanceCount);
  const families = [
    ...(agentRate > 0
      ? [{ name: "testappec2log-*", rate: agentRate, factor: OPENSEARCH.agentBytesPerEventByte }]
      : []),
    { name: "cwl-*", rate: speedRate, factor: OPENSEARCH.cwlBytesPerEventByte },
  ];
  const dailyGiB = families.map((f) => (f.rate * DAY_SECONDS * bytes * f.factor) / GIB);
  const primaryPerDay = dailyGiB.reduce((a, b) => a + b, 0);
  const retainedDays = s.indexRetentionDays + 1; // ISM deletes after the retention; today's index is being written
  const usable = s.instanceCount * openSearchUsableGiB(s.volumeSizeGiB, c.ops.freeStorageSharePercent);
  const placeholderNote = OPENSEARCH.placeholder ? ` (${OPENSEARCH.source})` : "";
  checks.push({
    id: "opensearch.storage",
    stage: "OpenSearch",
    what: `storage for ${retainedDays} days of ${families.map((f) => f.name).join(" + ")} with ${replicas} replica(s), before the free-storage alarm`,
    demand: primaryPerDay * retainedDays * (1 + replicas),
    capacity: usable,
    unit: "GiB",
    source: `${OPENSEARCH_STORAGE.source} (5 % Linux, 20 % up to 20 GiB service reserve), ops.freeStorageSharePercent${placeholderNote}`,
    configKey: "datalake:speed.volumeSizeGiB",
    fix: "raise speed.volumeSizeGiB or speed.instanceCount, or lower speed.indexRetentionDays",
    placeholder: OPENSEARCH.placeholder,
  });
  figure(
    "OpenSearch",
    "days until the free-storage alarm with no deletion",
    usable / Math.max(1e-12, primaryPerDay * (1 + replicas)),
    "days",
  );
  const node = openSearchInstance(s.instanceType);
  if (node) {
    const heap = Math.min(node.memoryGiB * OPENSEARCH_HEAP.value.share, OPENSEARCH_HEAP.value.capGiB);
    const o = OPENSEARCH_SHARDS.value;
    checks.push({
      id: "opensearch.shards",
      stage: "OpenSearch",
      what: `shards per data node (${families.length} daily index families × ${retainedDays} days × ${1 + replicas} copies)`,
      demand: (families.length * retainedDays * (1 + replicas)) / s.instanceCount,
      capacity: Math.min(o.shardsPerHeapGiB * heap, o.maxShardsPerNode),
      unit: "shards",
      source: `${OPENSEARCH_SHARDS.source} (25 per GiB of heap, 1,000 per node); heap ${heap} GiB of ${s.instanceType}`,
      configKey: "datalake:speed.indexRetentionDays",
      fix: "lower speed.indexRetentionDays, or raise speed.instanceCount or a larger speed.instanceType",
      lift: "down",
    });
    checks.push({
      id: "opensearch.indexing",
      stage: "OpenSearch",
      what: `documents indexed per second at the peak, replicas included`,
      demand: families.reduce((a, f) => a + f.rate, 0) * w.peakFactor * (1 + replicas),
      capacity: s.instanceCount * node.vcpu * OPENSEARCH.docsPerSecondPerVcpu,
      unit: "docs/s",
      source: `${node.vcpu} vCPUs per ${s.instanceType}${placeholderNote}`,
      configKey: "datalake:speed.instanceCount",
      fix: "raise speed.instanceCount or choose a larger speed.instanceType",
      placeholder: OPENSEARCH.placeholder,
    });
  }
  checks.push({
    id: "opensearch.shardSize",
    stage: "OpenSearch",
    what: "largest daily primary shard (one shard per index)",
    demand: Math.max(...dailyGiB),
    capacity: OPENSEARCH_SHARDS.value.maxShardGiB,
    unit: "GiB",
    source: `${OPENSEARCH_SHARDS.source} (10-50 GiB per shard)${placeholderNote}`,
    configKey: "datalake:workload.speedShare",
    fix: "index fewer events in the speed layer (the lake keeps all of them)",
    lift: "down",
    advisory: true,
    placeholder: OPENSEARCH.placeholder,
  });

  // --- Firehose
  const q = firehoseQuota(region, c.quotas);
  const recordBytes = bytes + 1; // the newline the agent appends
  checks.push({
    id: "firehose.bytes",
    stage: "Firehose",
    what: "Direct PUT throughput at the peak",
    demand: (peak * recordBytes) / MIB,
    capacity: q.mibPerSecond,
    unit: "MiB/s",
    source: `${FIREHOSE_DIRECT_PUT.source} (${region})`,
    configKey: "datalake:quotas.firehoseMiBPerSecond",
    fix: "request a Direct PUT quota increase (the Firehose Limits form) and set the granted value",
  });
  checks.push({
    id: "firehose.records",
    stage: "Firehose",
    what: "Direct PUT records at the peak",
    demand: peak,
    capacity: q.recordsPerSecond,
    unit: "records/s",
    source: `${FIREHOSE_DIRECT_PUT.source} (${region})`,
    configKey: "datalake:quotas.firehoseRecordsPerSecond",
    fix: "request a Direct PUT quota increase and set the granted value",
  });
  checks.push({
    id: "firehose.requests",
    stage: "Firehose",
    what: `PutRecordBatch requests at the peak (${FIREHOSE_BATCH_RECORDS.value} records or 1 MiB each, at least one per ${AGENT_FLUSH_SECONDS.firehose} s)`,
    demand: Math.max(
      1 / AGENT_FLUSH_SECONDS.firehose,
      peak / FIREHOSE_BATCH_RECORDS.value,
      (peak * recordBytes) / AGENT_CHUNK_LIMIT_BYTES,
    ),
    capacity: q.requestsPerSecond,
    unit: "req/s",
    source: `${FIREHOSE_DIRECT_PUT.source} (${region})`,
    configKey: "datalake:quotas.firehoseRequestsPerSecond",
    fix: "request a Direct PUT quota increase and set the granted value",
  });
  const l = c.lake;
  const rawJsonPerSecond = rate * recordBytes;
  const objectSeconds = Math.min(
    Math.max(l.firehoseBufferSeconds, 1),
    (l.firehoseBufferMiB * MIB) / Math.max(1e-12, rawJsonPerSecond),
  );
  const objectsPerDay = DAY_SECONDS / objectSeconds;
  figure("Firehose", "objects written per day", objectsPerDay, "");

  // --- S3 (steady state over the lifecycle)
  const lake = lakeBytes(schema);
  const gzipRatio = lake.rawGzip.value / lake.rawJson.value;
  const parquetRatio = lake.parquet.value / lake.rawJson.value;
  const rawGBPerDay = (rawJsonPerSecond * DAY_SECONDS * gzipRatio) / 1e9;
  const curatedGBPerDay = (rawJsonPerSecond * DAY_SECONDS * parquetRatio) / 1e9;
  const standardDays = Math.min(l.rawTransitionToIaDays, l.rawExpirationDays);
  const iaDays = Math.max(
    0,
    Math.min(l.rawTransitionToArchiveDays, l.rawExpirationDays) - l.rawTransitionToIaDays,
  );
  const archiveDays = Math.max(0, l.rawExpirationDays - l.rawTransitionToArchiveDays);
  figure("S3", "raw zone, Standard", rawGBPerDay * standardDays, "GB");
  figure("S3", "raw zone, Standard-IA", rawGBPerDay * iaDays, "GB");
  figure("S3", "raw zone, Glacier Flexible Retrieval", rawGBPerDay * archiveDays, "GB");
  figure("S3", "curated zone (Parquet), Standard", curatedGBPerDay * l.curatedExpirationDays, "GB");

  // --- Glue
  const e = c.etl;
  const interval = e.schedule ? cronIntervalSeconds(e.schedule) : undefined;
  if (interval !== undefined) {
    const events = rate * interval;
    const runSeconds = glueRunSeconds(events, e.workerType, e.numberOfWorkers, schema);
    const g = glueMeasurement(schema);
    const limit = Math.min(interval, e.timeoutMinutes * 60);
    checks.push({
      id: "glue.runTime",
      stage: "Glue",
      what: `run over ${Math.round(events).toLocaleString("en-US")} events against min(schedule interval ${interval / 60} min, timeout ${e.timeoutMinutes} min)`,
      demand: runSeconds / 60,
      capacity: limit / 60,
      unit: "min",
      source: `${g.eventsPerSecondPerCore.command} (${g.eventsPerSecondPerCore.value} events/s per core) × executor vCPUs; fixed ${g.fixedSeconds.value} s (${g.fixedSeconds.command})`,
      configKey: "datalake:etl.numberOfWorkers",
      fix: "raise etl.numberOfWorkers or etl.workerType, or etl.timeoutMinutes when the interval allows",
    });
    let needed = 2;
    while (needed < 299 && glueRunSeconds(events, e.workerType, needed, schema) > WARN_AT * limit) needed++;
    figure("Glue", `workers of ${e.workerType} to finish within ${WARN_AT * 100} % of the limit`, needed, "");
  } else {
    figure("Glue", "runs on demand only (no schedule to check)", 0, "");
  }

  // --- Athena: the format's named queries over the raw zone, against the per-query cutoff.
  const queryDays = namedQueryDays(schema);
  const [worstQuery, worstDays] = Object.entries(queryDays).sort((a, b) => b[1] - a[1])[0];
  const rawBytesPerDay = rawGBPerDay * 1e9;
  checks.push({
    id: "athena.cutoff",
    stage: "Athena",
    what: `bytes scanned by the named query "${worstQuery}" (${worstDays} days of the raw zone, gzip)`,
    demand: (rawBytesPerDay * worstDays) / MIB,
    capacity: l.athenaBytesScannedCutoffMiB,
    unit: "MiB",
    source: `components/batch/queries.ts; raw gzip ${lake.rawGzip.value} B per ${lake.rawJson.value} B of JSON (${lake.rawGzip.command})`,
    configKey: "datalake:lake.athenaBytesScannedCutoffMiB",
    fix: "raise lake.athenaBytesScannedCutoffMiB (the workgroup cancels a query that scans more)",
  });

  // --- Usage quantities (per month, average rate)
  const monthEvents = rate * MONTH_SECONDS;
  const speedMonthEvents = speedRate * MONTH_SECONDS;
  const deliveriesPerMonth = invocationsPerSecond * MONTH_SECONDS;
  const glueRunsPerMonth = interval !== undefined ? MONTH_SECONDS / interval : 0;
  const glueSeconds =
    interval !== undefined
      ? Math.max(60, glueRunSeconds(rate * interval, e.workerType, e.numberOfWorkers, schema))
      : 0;
  const queries = usageQueryMix(rawBytesPerDay, curatedGBPerDay * 1e9, queryDays);
  const natDestinations = c.generator.subnet === "private" && c.network.natGateways !== "None" ? 2 : 0;
  const usage: UsageQuantities = {
    cwlIngestedGB: (monthEvents * (bytes + PUT_LOG_EVENTS.value.eventOverheadBytes)) / 1e9,
    cwlRetainedGB: (cwlBytesPerSecond(rate) * DAY_SECONDS * c.speed.logRetentionDays) / 1e9,
    firehoseRecords: monthEvents,
    firehoseRecordBytes: recordBytes,
    firehoseObjects: objectsPerDay * 30,
    rawStandardGB: rawGBPerDay * standardDays,
    rawIaGB: rawGBPerDay * iaDays,
    rawArchiveGB: rawGBPerDay * archiveDays,
    curatedGB: curatedGBPerDay * l.curatedExpirationDays,
    lambdaInvocations: deliveriesPerMonth,
    lambdaGbSeconds: (speedMonthEvents / perInvocation) * (c.speed.forwarderMemoryMb / 1024),
    glueDpuHours:
      (glueRunsPerMonth * glueSeconds * e.numberOfWorkers * (GLUE_WORKER.value[e.workerType] ?? 1)) / 3600,
    athenaQueries: queries.count,
    athenaTB: queries.bytes / 1e12,
    natGB: (agentRate * MONTH_SECONDS * recordBytes * natDestinations) / 1e9,
  };
  return { input, checks, figures, usage };
}

/**
 * The stated query mix of the usage cost: each named query of the stack's format over the raw zone
 * (the hands-on's four, or the generic set) ten times a day, and the curated question (two days of Parquet) fifty times a day, 30 days; each
 * query billed at least Athena's 10 MB.
 */
export const QUERY_MIX = { namedQueriesPerDay: 10, curatedQueriesPerDay: 50, curatedDays: 2 } as const;

export function usageQueryMix(
  rawBytesPerDay: number,
  curatedBytesPerDay: number,
  queryDays: Readonly<Record<string, number>> = NAMED_QUERY_DAYS,
): { count: number; bytes: number } {
  const min = ATHENA_MIN_BYTES_PER_QUERY.value;
  let bytes = 0;
  let count = 0;
  for (const days of Object.values(queryDays)) {
    bytes += QUERY_MIX.namedQueriesPerDay * 30 * Math.max(min, rawBytesPerDay * days);
    count += QUERY_MIX.namedQueriesPerDay * 30;
  }
  bytes += QUERY_MIX.curatedQueriesPerDay * 30 * Math.max(min, curatedBytesPerDay * QUERY_MIX.curatedDays);
  count += QUERY_MIX.curatedQueriesPerDay * 30;
  return { count, bytes };
}

/** The checks in order of utilisation, highest first (hard limits before advisories at the same level). */
export function byUtilisation(checks: readonly Check[]): Check[] {
  return [...checks].sort((a, b) => utilisation(b) - utilisation(a));
}

/**
 * The multiple of the workload's rate at which a check first reaches 100 %: found by running the
 * model at scaled rates (the agent's share scales with it). Infinity when no multiple up to 10^6
 * breaks it, or when it does not depend on the rate.
 */
export function breakingMultiple(input: SizingInput, id: string): number {
  const at = (k: number) => {
    const w = input.workload;
    const scaled = {
      ...w,
      eventsPerSecond: w.eventsPerSecond * k,
      agentEventsPerSecond: w.agentEventsPerSecond * k,
    };
    const c = sizeStack({ ...input, workload: scaled }).checks.find((x) => x.id === id);
    return c ? utilisation(c) : 0;
  };
  if (at(1e6) < 1) return Infinity;
  let lo = 0;
  let hi = 1e6;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid) >= 1) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The value of a numeric config key (`datalake:<section>.<field>`), or undefined. */
function keyValue(config: PlatformConfig, key: string): number | undefined {
  const [section, field] = key.replace(/^datalake:/, "").split(".");
  const v = (config as unknown as Record<string, Record<string, unknown>>)[section]?.[field];
  return typeof v === "number" ? v : undefined;
}

function withKey(config: PlatformConfig, key: string, value: number): PlatformConfig {
  const [section, field] = key.replace(/^datalake:/, "").split(".");
  const c = config as unknown as Record<string, Record<string, unknown>>;
  return { ...config, [section]: { ...c[section], [field]: value } } as unknown as PlatformConfig;
}

/**
 * The value of a check's config key that brings it under {@link WARN_AT}, the other values kept;
 * undefined when the key is not a number in the config (a quota left at its default counts from
 * the check's capacity) or no value in range does. Node counts move in steps of the zone count.
 */
export function liftingValue(input: SizingInput, check: Check): number | undefined {
  const key = check.configKey;
  const current =
    keyValue(input.config, key) ?? (key.startsWith("datalake:quotas.") ? check.capacity : undefined);
  if (current === undefined) return undefined;
  const step = key === "datalake:speed.instanceCount" ? input.config.speed.availabilityZoneCount : 1;
  const integer = Number.isInteger(current);
  const under = (v: number) => {
    const c = sizeStack({ ...input, config: withKey(input.config, key, v) }).checks.find(
      (x) => x.id === check.id,
    );
    return c !== undefined && utilisation(c) < WARN_AT;
  };
  if (under(current)) return current;
  if (check.lift === "down") {
    for (let v = current; v >= (integer ? 1 : 0); v = integer ? v - step : v / 2) if (under(v)) return v;
    return undefined;
  }
  let hi = current;
  for (let i = 0; i < 40 && !under(hi); i++) hi *= 2;
  if (!under(hi)) return undefined;
  let lo = current;
  while (integer ? hi - lo > step : hi / lo > 1.01) {
    const mid = integer ? Math.ceil((lo + hi) / 2 / step) * step : (lo + hi) / 2;
    if (mid >= hi) break;
    if (under(mid)) hi = mid;
    else lo = mid;
  }
  return integer ? Math.ceil(hi / step) * step : Number(hi.toPrecision(2));
}
