/**
 * The AWS limits and sizing rules the capacity model checks against, each with its source. Where a
 * figure could not be confirmed on its source page it says so (`confirmed: false`), and the model
 * prints that beside the row that uses it.
 */

/** A limit or rule, with where it comes from. */
export interface Cited<T = number> {
  readonly value: T;
  readonly source: string;
  /** False when the figure is the author's knowledge of the page, not confirmed by a lookup. */
  readonly confirmed: boolean;
}

const cite = <T>(value: T, source: string, confirmed = true): Cited<T> => ({ value, source, confirmed });

const FIREHOSE_LIMITS = "https://docs.aws.amazon.com/firehose/latest/dev/limits.html";
const CWL_PUT = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html";
const OS_STORAGE = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/bp-storage.html";
const OS_SHARDS =
  "https://docs.aws.amazon.com/wellarchitected/latest/amazon-opensearch-service-lens/aosperf01-bp01.html";

/** Firehose Direct PUT quotas per stream (PutRecord and PutRecordBatch combined). */
export interface FirehoseQuota {
  readonly mibPerSecond: number;
  readonly recordsPerSecond: number;
  readonly requestsPerSecond: number;
}

/**
 * "For US East (N. Virginia), US West (Oregon), and Europe (Ireland): 500,000 records/second,
 * 2,000 requests/second, and 5 MiB/second"; for the other listed regions, Asia Pacific (Tokyo)
 * among them, 1 MiB/second and 1,000 requests/second, with 100,000 records/second on the current
 * page (an older copy of the page reads 1,000 records/second). The three scale together when an
 * increase is granted (the Firehose Limits form); set `datalake:quotas` to the granted values.
 */
export const FIREHOSE_DIRECT_PUT: Cited<{
  large: FirehoseQuota;
  other: FirehoseQuota;
  largeRegions: readonly string[];
}> = cite(
  {
    large: { mibPerSecond: 5, recordsPerSecond: 500_000, requestsPerSecond: 2000 },
    other: { mibPerSecond: 1, recordsPerSecond: 100_000, requestsPerSecond: 1000 },
    largeRegions: ["us-east-1", "us-west-2", "eu-west-1"],
  },
  FIREHOSE_LIMITS,
);

/** Most records one PutRecordBatch call takes (the kinesis_firehose output's batch). */
export const FIREHOSE_BATCH_RECORDS = cite(
  500,
  "https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html",
  false,
);

/**
 * Firehose bills ingestion in 5 KB increments per record: "a 3 KB record is billed as 5 KB"
 * (https://aws.amazon.com/firehose/pricing/, quoted on https://www.shigemk2.com/entry/2022/01/12/210322).
 */
export const FIREHOSE_BILLING_INCREMENT_BYTES = cite(5 * 1024, "https://aws.amazon.com/firehose/pricing/");

/** PutLogEvents: "The maximum batch size is 1,048,576 bytes ... plus 26 bytes for each log event"; at most 10,000 events. */
export const PUT_LOG_EVENTS = cite(
  { maxBytes: 1_048_576, maxEvents: 10_000, eventOverheadBytes: 26 },
  CWL_PUT,
);

/**
 * PutLogEvents is throttled per account and Region (the per-stream limit of 5 requests/s was
 * removed, same page); the default used here, 800 transactions/s, is the lowest regional default
 * the author knows and was not confirmed by the lookup: see Service Quotas for the account's value.
 */
export const PUT_LOG_EVENTS_TPS = cite(
  800,
  "https://docs.aws.amazon.com/general/latest/gr/cwl_region.html",
  false,
);

/** Lambda: "At 1,769 MB, a function has the equivalent of one vCPU" (CPU in proportion to memory). */
export const LAMBDA_MB_PER_VCPU = cite(
  1769,
  "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html",
);

/** OpenSearch storage overheads (Calculating storage requirements). */
export const OPENSEARCH_STORAGE = cite(
  {
    /** "Linux reserves 5% of the file system for the root user". */
    linuxReserved: 0.05,
    /** "OpenSearch Service reserves 20% of the storage space of each instance (up to 20 GiB)". */
    serviceReserved: 0.2,
    serviceReservedCapGiB: 20,
  },
  OS_STORAGE,
);

/** Shard sizing: 10–50 GiB per shard (30–50 GiB for logs), at most 25 shards per GiB of heap and 1,000 per data node. */
export const OPENSEARCH_SHARDS = cite(
  { maxShardGiB: 50, shardsPerHeapGiB: 25, maxShardsPerNode: 1000 },
  OS_SHARDS,
);

/** JVM heap of an OpenSearch Service data node: half its memory, at most 32 GiB. */
export const OPENSEARCH_HEAP = cite(
  { share: 0.5, capGiB: 32 },
  "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/bp-instances.html",
  false,
);

/**
 * vCPUs and memory (GiB) of the OpenSearch instance sizes: the t3 types by name, the others by
 * size (large = 2 vCPUs; memory per vCPU 2 GiB for c, 4 for m, 8 for r families).
 */
export const OPENSEARCH_INSTANCE = cite(
  {
    t3: { "t3.small": { vcpu: 2, memoryGiB: 2 }, "t3.medium": { vcpu: 2, memoryGiB: 4 } } as Record<
      string,
      { vcpu: number; memoryGiB: number }
    >,
    memoryPerVcpu: { c: 2, m: 4, r: 8, or: 8, im: 8, i: 8 } as Record<string, number>,
  },
  "https://aws.amazon.com/opensearch-service/pricing/",
  false,
);

/** Glue worker types: "A DPU ... consists of 4 vCPUs of compute capacity and 16 GB of memory"; G.1X = 1 DPU, G.2X = 2, G.4X = 4, G.8X = 8. */
export const GLUE_WORKER = cite(
  { "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8 } as Record<string, number>,
  "https://docs.aws.amazon.com/glue/latest/dg/worker-types.html",
);
export const GLUE_VCPU_PER_DPU = 4;

/** Athena bills at least 10 MB per query (https://aws.amazon.com/athena/pricing/). */
export const ATHENA_MIN_BYTES_PER_QUERY = cite(
  10 * 1_000_000,
  "https://aws.amazon.com/athena/pricing/",
  false,
);

/** The Firehose quota of a region, or the account's granted values from `datalake:quotas`. */
export function firehoseQuota(
  region: string,
  granted: {
    firehoseMiBPerSecond?: number;
    firehoseRecordsPerSecond?: number;
    firehoseRequestsPerSecond?: number;
  },
): FirehoseQuota {
  const d = FIREHOSE_DIRECT_PUT.value;
  const base = d.largeRegions.includes(region) ? d.large : d.other;
  return {
    mibPerSecond: granted.firehoseMiBPerSecond ?? base.mibPerSecond,
    recordsPerSecond: granted.firehoseRecordsPerSecond ?? base.recordsPerSecond,
    requestsPerSecond: granted.firehoseRequestsPerSecond ?? base.requestsPerSecond,
  };
}

/** vCPUs and memory of an OpenSearch instance type (`r7g.large.search`); undefined when unknown. */
export function openSearchInstance(type: string): { vcpu: number; memoryGiB: number } | undefined {
  const name = type.replace(/\.search$/, "");
  const table = OPENSEARCH_INSTANCE.value;
  if (table.t3[name]) return table.t3[name];
  const m = /^([a-z]+)\d+[a-z]*\.(large|xlarge|(\d+)xlarge)$/.exec(name);
  if (!m) return undefined;
  const family = m[1];
  const perVcpu = table.memoryPerVcpu[family];
  if (perVcpu === undefined) return undefined;
  const vcpu = m[2] === "large" ? 2 : m[2] === "xlarge" ? 4 : 4 * Number(m[3]);
  return { vcpu, memoryGiB: vcpu * perVcpu };
}
