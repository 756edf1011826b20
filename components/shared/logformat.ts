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
 * The line parser of the agent (fluentd `<parse> @type regexp`) and of the forwarder: the hands-on's
 * parser rewritten so that it cannot backtrack catastrophically, with the same named groups, the
 * same accepted lines and the same captures.
 *
 * The hands-on wrote `... (?<alarmlevel>[^ ]*) *? (?<host>[^ ]*) * (?<user>[^ ]*) * (?<number>.*) \[(?<text>.*)\]$`.
 * On a run of spaces the three space quantifiers can share the run in O(n²) ways, and each way
 * rescans the rest of the line with `.*`: a 1 KB line of spaces took longer than the Lambda
 * timeout. Worked through in backtracking order, that regex only ever settles on four shapes:
 * `host` is empty (one space consumed) or the next word (the whole run consumed), the same for
 * `user`, and `number` starts at the next word or, when that word starts with `[`, at the space
 * before it. Each separator below admits exactly those choices, in the same order, so at most
 * eight attempts reach the tail, and the tail's `text` cannot cross a ` [` (the greedy `number`
 * always ends at the line's last ` [`, so this changes no match) and is scanned once per ` [`.
 * The result is linear in the line's length. `test/components/shared/logformat.test.ts` compares
 * both patterns on the generator's lines and on random lines made of the characters that matter.
 *
 * Only constructs common to JavaScript and Ruby's Onigmo are used (non-capturing groups, named
 * groups, lookahead and negative lookahead; see Onigmo's doc/RE, sections 7 and 8), and no `/`,
 * since the agent writes it between slashes into its configuration.
 */
export const LOG_LINE_PATTERN =
  "^\\[(?<timestamp>[^ ]* [^ ]*)\\] (?<alarmlevel>[^ ]*)(?: (?= )| +(?! ))(?<host>[^ ]*)(?: +(?! )| (?= ))(?<user>[^ ]*) +(?=[^ ]| \\[)(?<number>.*) \\[(?<text>(?:(?! \\[).)*)\\]$";

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
