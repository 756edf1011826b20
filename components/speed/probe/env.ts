/** Environment variables of the verify probe Lambda (set by the SpeedLayer, read by the handler). */
export const PROBE_ENV = {
  /** Domain endpoint host, without scheme. */
  endpoint: "PROBE_ENDPOINT",
} as const;
