/**
 * The line verify writes: one event in the hands-on format (components/shared/logformat.ts),
 * rendered by the generator's own formatter, with a unique marker in its message, appended to the
 * generator's log file (components/shared/names.ts) by an SSM Run Command shell script.
 */
import { randomBytes } from "crypto";
import { parseLogLine } from "../../components/shared/logformat";
import { APP_LOG_PATH } from "../../components/shared/names";
import { formatLine } from "../../components/network/generator/lines";
import { MARKER_PATTERN } from "../../components/speed/probe/search";

/** A new marker: `dlverify-` and 16 hex digits (matches the probe's MARKER_PATTERN). */
export function newMarker(random: () => Buffer = () => randomBytes(8)): string {
  const marker = `dlverify-${random().toString("hex")}`;
  if (!MARKER_PATTERN.test(marker)) throw new Error(`verify: marker ${marker} is not a valid probe marker`);
  return marker;
}

/** The message of the marked line. */
export function markerText(marker: string): string {
  return `verify ${marker}`;
}

/**
 * The marked line at `epochMs`: an INFO event (never counted by the ERROR alarm) from host
 * `verify`, user `verify`, number 0.
 */
export function markerLine(marker: string, epochMs: number): string {
  const line = formatLine({
    time: epochMs,
    level: "INFO",
    host: "verify",
    user: "verify",
    number: 0,
    text: markerText(marker),
  });
  if (parseLogLine(line)?.text !== markerText(marker)) {
    throw new Error(`verify: the line ${line} does not parse back to its message`);
  }
  return line;
}

/** Characters the line may have; none of them is special inside single quotes in sh. */
const SAFE_LINE = /^[A-Za-z0-9 [\]:+._-]+$/;

/** The shell commands (AWS-RunShellScript `commands`) that append the line to the application log. */
export function appendCommands(line: string): string[] {
  if (!SAFE_LINE.test(line)) throw new Error(`verify: the line ${line} has characters unsafe for the shell`);
  // The file exists once the generator has started; appending as root keeps its owner and mode.
  return [`test -f ${APP_LOG_PATH}`, `printf '%s\\n' '${line}' >> ${APP_LOG_PATH}`];
}
