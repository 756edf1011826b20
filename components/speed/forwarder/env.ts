/** Environment variables the forwarder reads; the SpeedLayer sets them. Shared so neither side retypes a name. */
export const FORWARDER_ENV = {
  endpoint: "OPENSEARCH_ENDPOINT",
  indexPrefix: "INDEX_PREFIX",
  requestTimeoutMs: "REQUEST_TIMEOUT_MS",
  /** Largest `_bulk` request body in bytes; the SpeedLayer derives it from the domain's instance type (maxBulkBytesFor). */
  bulkMaxBytes: "BULK_MAX_BYTES",
  /** The stack's event format as compact JSON (format.ts); set only for a format not the hands-on's. */
  eventSchema: "EVENT_SCHEMA",
} as const;

/** The forwarder function's timeout (seconds); the SpeedLayer sets it and the capacity model checks batches against it. */
export const FORWARDER_TIMEOUT_SECONDS = 300;

/**
 * Lambda's limit on a function's environment variables: "The total size of all environment
 * variables doesn't exceed 4 KB" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
 * Lambda measures the variables as one JSON object (its error names the "String measured":
 * `{"KEY":"value",...}`), so quotes and backslashes inside a value count twice.
 */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

/** The size Lambda measures for environment variables, in bytes ({@link LAMBDA_ENVIRONMENT_MAX_BYTES}). */
export function environmentBytes(variables: Readonly<Record<string, string>>): number {
  return Buffer.byteLength(JSON.stringify(variables), "utf8");
}

/**
 * The longest the domain endpoint can be, which is unknown until the domain exists: a DNS name is
 * at most 253 characters as text (RFC 1035, section 2.3.4: 255 octets on the wire).
 */
export const ENDPOINT_MAX_CHARS = 253;
