/**
 * The hands-on's application log format: the single source of truth for the generator, the agent
 * configuration, the forwarder Lambda, the Glue schemas and the tests.
 *
 * One line per event: `[YYYY-MM-DD HH:MM:SS+0900] LEVEL host user number [message]`.
 */

/** Levels the generator writes, in increasing severity. */
export const LOG_LEVELS = ["INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The level whose burst trips the alarm. */
export const BURST_LEVEL: LogLevel = "ERROR";

/**
 * The hands-on's fluentd parser, verbatim (Ruby regex syntax, also valid in JavaScript).
 * Field names are the hands-on's and every consumer uses them unchanged.
 */
export const LOG_LINE_PATTERN =
  "^\\[(?<timestamp>[^ ]* [^ ]*)\\] (?<alarmlevel>[^ ]*) *? (?<host>[^ ]*) * (?<user>[^ ]*) * (?<number>.*) \\[(?<text>.*)\\]$";

export const LOG_LINE_REGEX = new RegExp(LOG_LINE_PATTERN);

/** The parsed fields, in the order the parser captures them. */
export const LOG_FIELDS = ["timestamp", "alarmlevel", "host", "user", "number", "text"] as const;
export type LogField = (typeof LOG_FIELDS)[number];
export type ParsedLogLine = Record<LogField, string>;

/** strftime format of `timestamp` (fluentd `time_format`, also Glue/Spark's parse pattern source). */
export const LOG_TIME_FORMAT = "%Y-%m-%d %H:%M:%S%z";

/** The offset the generator writes: JST, as in the hands-on. */
export const LOG_UTC_OFFSET_MINUTES = 9 * 60;

/** Parses one line; `undefined` when it does not match the hands-on format. */
export function parseLogLine(line: string): ParsedLogLine | undefined {
  const match = LOG_LINE_REGEX.exec(line);
  if (!match?.groups) {
    return undefined;
  }
  const groups = match.groups;
  return {
    timestamp: groups.timestamp,
    alarmlevel: groups.alarmlevel,
    host: groups.host,
    user: groups.user,
    number: groups.number,
    text: groups.text,
  };
}

/**
 * Converts a `timestamp` field (`2019-06-20 12:34:56+0900`) into epoch milliseconds, or
 * `undefined` when it is not in that form.
 */
export function parseLogTimestamp(timestamp: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})([+-])(\d{2})(\d{2})$/.exec(timestamp);
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const offsetMinutes = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return utc - offsetMinutes * 60_000;
}
