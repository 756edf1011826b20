/**
 * verify on a stack without the generator: the marked event is written into a configured source
 * log group (datalake:sources.logGroups) with PutLogEvents, as one event of the stack's format
 * (the `eventFormat` output): a JSON object whose string fields all carry the marker text, numbers
 * 0, booleans false, and the time field now, written in the format's own time format; for a text
 * format, the operator's own line (`--line`) with the marker and the time put in.
 */
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { EventSchema } from "../../components/shared/schema";
import { UsageError } from "./outputs";

/** The log stream verify writes its events into (created on first use). */
export const VERIFY_LOG_STREAM = "datalake-verify";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `epochMs` rendered with a strftime pattern in UTC (`%z` is `+0000`). */
export function formatStrftime(epochMs: number, pattern: string): string {
  const d = new Date(epochMs);
  const values: Record<string, string> = {
    "%Y": String(d.getUTCFullYear()),
    "%m": pad(d.getUTCMonth() + 1),
    "%d": pad(d.getUTCDate()),
    "%H": pad(d.getUTCHours()),
    "%M": pad(d.getUTCMinutes()),
    "%S": pad(d.getUTCSeconds()),
    "%L": pad(d.getUTCMilliseconds(), 3),
    "%z": "+0000",
  };
  return pattern.replace(/%[A-Za-z]/g, (dir) => {
    const v = values[dir];
    if (v === undefined) throw new Error(`verify: unknown strftime directive ${dir}`);
    return v;
  });
}

/** The event time as the format writes it. */
export function formatTime(epochMs: number, timeFormat: string): string | number {
  if (timeFormat === "iso8601") return new Date(epochMs).toISOString();
  if (timeFormat === "epoch_ms") return epochMs;
  return formatStrftime(epochMs, timeFormat);
}

/** The first declared string field: the column verify's raw and curated queries look the marker up in. */
export function markerField(schema: EventSchema): string {
  const f = schema.fields.find((x) => x.type === "string");
  if (!f) {
    throw new UsageError(
      `The format ${schema.name} declares no string field, so verify has nowhere to put its marker; declare one (e.g. message) in datalake:format.fields.`,
    );
  }
  return f.name;
}

function needsLine(schema: EventSchema): string {
  return `The stack's format ${schema.name} is a text format and the generator is off, so verify cannot build a line your pattern accepts; give one with --line (docs/verify.md).`;
}

/** The marked event of a JSON format, as the one line an application of that format would log. */
export function markerEvent(schema: EventSchema, text: string, epochMs: number): string {
  if (schema.kind !== "json") {
    throw new UsageError(needsLine(schema));
  }
  const event: Record<string, unknown> = {};
  for (const f of schema.fields) {
    if (f.name === schema.timeField) event[f.name] = formatTime(epochMs, schema.timeFormat);
    else if (f.type === "string") event[f.name] = text;
    else if (f.type === "boolean") event[f.name] = false;
    else if (f.type === "timestamp") event[f.name] = formatTime(epochMs, schema.timeFormat);
    else event[f.name] = 0;
  }
  return JSON.stringify(event);
}

/** The marked line of a text format, and the string field whose value is the marker. */
export interface MarkedTextLine {
  readonly line: string;
  readonly field: string;
  readonly value: string;
}

/** The placeholders of `--line`. */
export const LINE_PLACEHOLDERS = { marker: "{marker}", time: "{time}" } as const;

/**
 * The marked line of a text format from the operator's template (`--line`): `{marker}` replaced by
 * the marker (a token of letters, digits and `-`, so it fits `\S+` or `[\w.-]+`), `{time}` by now in
 * the format's time format. The format's pattern must then read the marker as the whole value of a
 * string field and the time as the time field, or the template is refused in one sentence.
 */
export function markerTextLine(
  schema: EventSchema,
  template: string | undefined,
  marker: string,
  epochMs: number,
): MarkedTextLine {
  const { marker: M, time: T } = LINE_PLACEHOLDERS;
  if (template === undefined) throw new UsageError(needsLine(schema));
  const t = template;
  if (t.split(M).length !== 2 || t.split(T).length !== 2 || /[\r\n]/.test(t)) {
    throw new UsageError(
      `--line must be one line holding ${M} and ${T} once each, e.g. "${T} INFO 200 ${M}" for a format whose pattern reads a time, a level, a status and a message.`,
    );
  }
  const time = String(formatTime(epochMs, schema.timeFormat));
  const line = t.replace(T, time).replace(M, marker);
  const groups = new RegExp(schema.pattern!).exec(line)?.groups;
  if (groups === undefined) {
    throw new UsageError(
      `--line, filled in as ${JSON.stringify(line)}, does not match the pattern of the format ${schema.name}; write a line your applications would log.`,
    );
  }
  if (groups[schema.timeField] !== time) {
    throw new UsageError(
      `--line puts ${T} where the pattern does not read the time field ${schema.timeField} (it reads ${JSON.stringify(groups[schema.timeField] ?? null)}); place ${T} where your lines have their time.`,
    );
  }
  const field = schema.fields.find((f) => f.type === "string" && groups[f.name] === marker)?.name;
  if (field === undefined) {
    throw new UsageError(
      `--line puts ${M} where the pattern reads no string field as exactly the marker; place ${M} as the whole value of a string field (e.g. a message or a user).`,
    );
  }
  return { line, field, value: marker };
}

/** Writes one event into `logGroupName` (its verify stream created first when missing). */
export async function putMarkedEvent(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  message: string,
  epochMs: number,
): Promise<void> {
  try {
    await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: VERIFY_LOG_STREAM }));
  } catch (err) {
    if ((err as Error).name !== "ResourceAlreadyExistsException") throw err;
  }
  await logs.send(
    new PutLogEventsCommand({
      logGroupName,
      logStreamName: VERIFY_LOG_STREAM,
      logEvents: [{ timestamp: epochMs, message }],
    }),
  );
}
