/**
 * Figures measured on a real OpenSearch 2.19.6 node (tools/engines/opensearch.ts: one node, one
 * shard per index, no replica), for capacity models of the speed layer. Each is exactly what the
 * command in its comment printed, as min / median / max over `samples`, on a shared 2-vCPU machine
 * (2 x AMD EPYC, load average 25-30 from other jobs), so throughput is a floor for a dedicated data
 * node, while bytes on disk do not depend on the machine. Method: tools/bench/opensearch.ts;
 * discussion: docs/speed.md ("Measured on a real node").
 */
import { AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX } from "../shared/names";

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly samples: number;
}

export const MEASURED_ENGINE = "OpenSearch 2.19.6";

/**
 * Bytes on disk per document (primary store after a force-merge to one segment) of each index
 * family, with the templates' mapping: the forwarder's documents of the benchmark's 1 MB-gzip
 * subscription event (48,388 per index) for `cwl`, the agent's parsed hands-on lines (50,000 per
 * index) for `testappec2log`. `npm run bench:opensearch` (heap 512 MiB).
 */
export const BYTES_ON_DISK_PER_DOCUMENT: Readonly<
  Record<typeof FORWARDER_INDEX_PREFIX | typeof AGENT_INDEX_PREFIX, Spread>
> = {
  [FORWARDER_INDEX_PREFIX]: { min: 164.9, median: 164.9, max: 165.0, samples: 3 },
  [AGENT_INDEX_PREFIX]: { min: 55.2, median: 55.3, max: 55.3, samples: 3 },
};

/**
 * The cost of the mapping policy for JSON logs with keys the templates do not declare (6 top-level
 * keys, one an object of 3): bytes on disk per document under the templates (`dynamic: false`, the
 * keys kept in `_source` only) and under dynamic mapping (every key indexed). `npm run bench:opensearch`.
 */
export const BYTES_ON_DISK_PER_UNDECLARED_JSON_DOCUMENT: Readonly<
  Record<"templates" | "dynamicMapping", Spread>
> = {
  templates: { min: 265.5, median: 265.6, max: 265.6, samples: 3 },
  dynamicMapping: { min: 348.5, median: 348.7, max: 349.5, samples: 3 },
};

/**
 * `_bulk` documents per second of one node for the forwarder's own 5 MiB bodies (about 7,000
 * documents each), sent one at a time as the forwarder sends them, per request, by JVM heap.
 * `npm run bench:opensearch` (512 MiB) and `npm run bench:opensearch-1g` (1 GiB).
 */
export const BULK_DOCUMENTS_PER_SECOND: Readonly<Record<"heap512MiB" | "heap1GiB", Spread>> = {
  heap512MiB: { min: 1453, median: 2933, max: 5398, samples: 28 },
  heap1GiB: { min: 1109, median: 2109, max: 5415, samples: 28 },
};

/** The same requests in MiB of request body per second. Same commands. */
export const BULK_MIB_PER_SECOND: Readonly<Record<"heap512MiB" | "heap1GiB", Spread>> = {
  heap512MiB: { min: 0.92, median: 1.86, max: 3.42, samples: 28 },
  heap1GiB: { min: 0.7, median: 1.34, max: 3.43, samples: 28 },
};

/**
 * Milliseconds from a `_bulk` answer to the document being found by a search, with the default
 * `refresh_interval` (1 s), polled every 10 ms. `npm run bench:opensearch` (512 MiB).
 */
export const SEARCHABLE_AFTER_BULK_MS: Spread = { min: 80, median: 503, max: 1050, samples: 30 };
