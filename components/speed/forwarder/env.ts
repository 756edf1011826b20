/** Environment variables the forwarder reads; the SpeedLayer sets them. Shared so neither side retypes a name. */
export const FORWARDER_ENV = {
  endpoint: "OPENSEARCH_ENDPOINT",
  indexPrefix: "INDEX_PREFIX",
  requestTimeoutMs: "REQUEST_TIMEOUT_MS",
  /** Largest `_bulk` request body in bytes; the SpeedLayer derives it from the domain's instance type (maxBulkBytesFor). */
  bulkMaxBytes: "BULK_MAX_BYTES",
} as const;

/** The forwarder function's timeout (seconds); the SpeedLayer sets it and the capacity model checks batches against it. */
export const FORWARDER_TIMEOUT_SECONDS = 300;
