/**
 * The workload a stack declares (`datalake:workload`) and the service quotas of its account where
 * they differ from AWS's defaults (`datalake:quotas`). Both sections are read by stacks/config.ts
 * with the others; the capacity model (tools/sizing/) checks the stack against them, and
 * `npm run plan` fails a stack that cannot hold its declared workload.
 *
 * An unset workload is the generator's: its cadence gives the rate and the peak, and the record
 * the agent ships for the generator's lines gives the size, so the hands-on needs no value here.
 */
import { z } from "zod";
import { agentRecord } from "../components/network/agent/record";
import {
  Cadence,
  HANDS_ON_CADENCE,
  createRandom,
  simulateLines,
} from "../components/network/generator/lines";

export const workloadSchema = z
  .object({
    /** Average events per second over a day, all sources together; unset = the generator's cadence. */
    eventsPerSecond: z.number().positive().max(10_000_000).optional(),
    /** Busiest minute's rate over the average (at least 1); unset = the generator's, or 2 with a declared rate. */
    peakFactor: z.number().min(1).max(1000).optional(),
    /** Average size of one event as shipped (a JSON record, bytes); unset = the generator's record size. */
    eventBytes: z.number().int().min(16).max(1_048_576).optional(),
    /** Share of the events the speed layer indexes (0 to 1). */
    speedShare: z.number().min(0).max(1).default(1),
  })
  .strict();

export const quotasSchema = z
  .object({
    /** Firehose Direct PUT MiB/s per stream granted to the account; unset = the region's default. */
    firehoseMiBPerSecond: z.number().positive().max(10_000).optional(),
    /** Firehose Direct PUT records/s per stream; unset = the region's default. */
    firehoseRecordsPerSecond: z.number().int().positive().max(100_000_000).optional(),
    /** Firehose Direct PUT requests/s per stream; unset = the region's default. */
    firehoseRequestsPerSecond: z.number().int().positive().max(1_000_000).optional(),
    /** PutLogEvents requests/s of the account in the region (Service Quotas; 800 when unknown). */
    cloudWatchLogsPutLogEventsPerSecond: z.number().int().positive().max(1_000_000).default(800),
    /** Lambda concurrent executions of the account in the region. */
    lambdaConcurrency: z.number().int().min(10).max(1_000_000).default(1000),
  })
  .strict();

export type WorkloadConfig = z.infer<typeof workloadSchema>;
export type QuotasConfig = z.infer<typeof quotasSchema>;

/** Average events per second of a cadence. */
export function cadenceEventsPerSecond(c: Cadence): number {
  const regular = c.intervalSeconds > 0 ? c.linesPerInterval / c.intervalSeconds : 0;
  const burst = c.burstIntervalSeconds > 0 ? c.burstLines / c.burstIntervalSeconds : 0;
  return regular + burst;
}

/**
 * The busiest minute of a cadence over its average: every tick of each kind that can fall in one
 * minute (ticks are aligned to the wall clock, so a 600 s burst and a 120 s tick can coincide).
 */
export function cadencePeakFactor(c: Cadence): number {
  const perMinute = (lines: number, period: number) => (period > 0 ? lines * Math.ceil(60 / period) : 0);
  const peak =
    (perMinute(c.linesPerInterval, c.intervalSeconds) + perMinute(c.burstLines, c.burstIntervalSeconds)) / 60;
  const average = cadenceEventsPerSecond(c);
  return average > 0 ? Math.max(1, peak / average) : 1;
}

let generatorBytes: number | undefined;
/** Average bytes of the record the agent ships for a generator line (1,000 lines, fixed seed). */
export function generatorEventBytes(): number {
  if (generatorBytes === undefined) {
    const lines = simulateLines(1000, Date.UTC(2026, 0, 1), HANDS_ON_CADENCE, createRandom(1));
    const total = lines.reduce((sum, l) => sum + Buffer.byteLength(JSON.stringify(agentRecord(l))), 0);
    generatorBytes = Math.round(total / lines.length);
  }
  return generatorBytes;
}

/** The workload the model checks: every value resolved. */
export interface Workload {
  readonly eventsPerSecond: number;
  readonly peakFactor: number;
  readonly eventBytes: number;
  readonly speedShare: number;
  /** Events per second the generator's agent ships (0 without the generator). */
  readonly agentEventsPerSecond: number;
  /** Where the rate comes from: "declared" (datalake:workload) or "generator" (its cadence). */
  readonly origin: "declared" | "generator";
}

/** Peak factor of a declared rate without one: the busiest minute at twice the day's average. */
export const DEFAULT_DECLARED_PEAK_FACTOR = 2;

export interface WorkloadOverrides {
  readonly eventsPerSecond?: number;
  readonly eventBytes?: number;
}

/**
 * The workload of a stack: the declared values, else the generator's. `overrides` (npm run size's
 * --events-per-second / --event-bytes) replace the rate and size; with an undeclared workload the
 * generator is the only source, so its agent carries the overridden rate too.
 */
export function resolveWorkload(
  workload: WorkloadConfig,
  generator: Cadence & { readonly enabled?: boolean },
  overrides: WorkloadOverrides = {},
): Workload {
  const generatorOn = generator.enabled !== false;
  const generatorRate = generatorOn ? cadenceEventsPerSecond(generator) : 0;
  const declared = workload.eventsPerSecond !== undefined;
  const eventsPerSecond = overrides.eventsPerSecond ?? workload.eventsPerSecond ?? generatorRate;
  return {
    eventsPerSecond,
    peakFactor:
      workload.peakFactor ??
      (declared || !generatorOn ? DEFAULT_DECLARED_PEAK_FACTOR : cadencePeakFactor(generator)),
    eventBytes: overrides.eventBytes ?? workload.eventBytes ?? generatorEventBytes(),
    speedShare: workload.speedShare,
    agentEventsPerSecond: !generatorOn
      ? 0
      : declared
        ? Math.min(generatorRate, eventsPerSecond)
        : eventsPerSecond,
    origin: declared ? "declared" : "generator",
  };
}
