/**
 * Pure pieces of the log generator: the cadence, the random event and the line format.
 * No I/O here, so every rule is tested without timers or files.
 */
import { BURST_LEVEL, LOG_UTC_OFFSET_MINUTES, LogLevel } from "../../shared/logformat";

/** The cadence of the hands-on's generator; every value can be changed per stack. */
export interface Cadence {
  /** Lines written at every regular tick. */
  readonly linesPerInterval: number;
  /** Seconds between regular ticks (aligned to the wall clock). */
  readonly intervalSeconds: number;
  /** `ERROR` lines written at every burst. */
  readonly burstLines: number;
  /** Seconds between bursts (aligned to the wall clock); 0 turns bursts off. */
  readonly burstIntervalSeconds: number;
}

/** About 10 lines every 2 minutes, plus 300 `ERROR` lines every 10 minutes. */
export const HANDS_ON_CADENCE: Cadence = {
  linesPerInterval: 10,
  intervalSeconds: 120,
  burstLines: 300,
  burstIntervalSeconds: 600,
};

/** One thing the generator must do at a given instant. */
export interface Tick {
  /** Epoch milliseconds, a multiple of the interval. */
  readonly at: number;
  readonly kind: "regular" | "burst";
  readonly lines: number;
}

/** Throws when a cadence cannot be followed; the message names the field and the allowed range. */
export function validateCadence(c: Cadence): void {
  const check = (field: keyof Cadence, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`cadence.${field} is ${value}; it must be an integer from ${min} to ${max}.`);
    }
  };
  check("linesPerInterval", c.linesPerInterval, 0, 10_000);
  check("intervalSeconds", c.intervalSeconds, 1, 86_400);
  check("burstLines", c.burstLines, 0, 100_000);
  check("burstIntervalSeconds", c.burstIntervalSeconds, 0, 86_400);
}

/**
 * Every tick due in the half-open window `(fromMs, toMs]`, in time order. Ticks are aligned to
 * the wall clock (a 600 s burst fires at :00, :10, :20...), so a restarted generator keeps the
 * same schedule and never fires one tick twice for contiguous windows.
 */
export function ticksBetween(fromMs: number, toMs: number, cadence: Cadence): Tick[] {
  const ticks: Tick[] = [];
  const collect = (periodSeconds: number, kind: Tick["kind"], lines: number) => {
    if (periodSeconds <= 0 || lines <= 0) {
      return;
    }
    const period = periodSeconds * 1000;
    for (let at = Math.floor(fromMs / period) * period + period; at <= toMs; at += period) {
      ticks.push({ at, kind, lines });
    }
  };
  collect(cadence.intervalSeconds, "regular", cadence.linesPerInterval);
  collect(cadence.burstIntervalSeconds, "burst", cadence.burstLines);
  // Regular before burst at the same instant, so output is deterministic.
  return ticks.sort((a, b) => a.at - b.at || (a.kind === "regular" ? -1 : 1));
}

/** A tiny deterministic PRNG (mulberry32), so tests and `--seed` runs repeat exactly. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTS = ["prd-db01", "prd-db02", "prd-web001", "prd-web002", "prd-ap001", "prd-ap002"];
const USERS = ["uehara", "uchida", "imai", "saito", "kato", "yamada", "suzuki", "tanaka"];
const MESSAGES: Record<LogLevel, string> = {
  INFO: "This is Information.",
  WARNING: "This is Warning.",
  ERROR: "This is ERROR.",
  CRITICAL: "This is CRITICAL.",
};

/**
 * Level mix of regular ticks: mostly INFO, some WARNING, a few ERROR and CRITICAL — never
 * enough ERROR in one minute to trip the alarm outside a burst.
 */
function regularLevel(random: () => number): LogLevel {
  const r = random();
  if (r < 0.7) return "INFO";
  if (r < 0.9) return "WARNING";
  if (r < 0.97) return "ERROR";
  return "CRITICAL";
}

/** One log event. */
export interface LogEvent {
  readonly time: number;
  readonly level: LogLevel;
  readonly host: string;
  readonly user: string;
  readonly number: number;
  readonly text: string;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)];
}

/** The events of one tick. Burst events all carry the burst level. */
export function eventsForTick(tick: Tick, random: () => number): LogEvent[] {
  const events: LogEvent[] = [];
  for (let i = 0; i < tick.lines; i++) {
    const level = tick.kind === "burst" ? BURST_LEVEL : regularLevel(random);
    events.push({
      time: tick.at,
      level,
      host: pick(HOSTS, random),
      user: pick(USERS, random),
      number: 1000 + Math.floor(random() * 9000),
      text: MESSAGES[level],
    });
  }
  return events;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2019-06-20 21:34:56+0900`: the time in JST, with the offset, no `T`. */
export function formatTimestamp(epochMs: number, offsetMinutes = LOG_UTC_OFFSET_MINUTES): string {
  const d = new Date(epochMs + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

/** `[YYYY-MM-DD HH:MM:SS+0900] LEVEL host user number [message]` */
export function formatLine(e: LogEvent): string {
  return `[${formatTimestamp(e.time)}] ${e.level} ${e.host} ${e.user} ${e.number} [${e.text}]`;
}

/**
 * The first `count` lines the cadence produces after `startMs` (simulated clock, no waiting),
 * one at a time: what `npm run generate -- --lines N` prints, in constant memory.
 */
export function* generateLines(
  count: number,
  startMs: number,
  cadence: Cadence,
  random: () => number,
): Generator<string, void, undefined> {
  validateCadence(cadence);
  const step = Math.max(cadence.intervalSeconds, cadence.burstIntervalSeconds || 0) * 1000;
  if (cadence.linesPerInterval === 0 && (cadence.burstLines === 0 || cadence.burstIntervalSeconds === 0)) {
    throw new Error("cadence writes no lines: set linesPerInterval or burstLines above 0.");
  }
  let produced = 0;
  for (let from = startMs; produced < count; from += step) {
    for (const tick of ticksBetween(from, from + step, cadence)) {
      for (const event of eventsForTick(tick, random)) {
        if (produced === count) return;
        produced++;
        yield formatLine(event);
      }
    }
  }
}

/** `generateLines` as an array (tests, small counts). */
export function simulateLines(
  count: number,
  startMs: number,
  cadence: Cadence,
  random: () => number,
): string[] {
  return [...generateLines(count, startMs, cadence, random)];
}
