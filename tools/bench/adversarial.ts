/**
 * Adversarial lines for a line parser: CloudWatch Logs' largest event (256 KB of UTF-8) made of one
 * repeated piece — a character a pattern's classes treat specially, or a short run of them — alone
 * and after a valid-looking time, so that every way a pattern can backtrack is given room. The
 * config check's linear-time test (test/components/shared/schema.test.ts) and `npm run
 * bench:patterns` use the same lines.
 */

/** The largest CloudWatch Logs event, in bytes (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html). */
export const LARGEST_EVENT_BYTES = 256 * 1024;

/** The repeated pieces: separators, brackets, digits, letters, escapes, a two-byte and a four-byte character. */
export const ADVERSARIAL_PIECES: readonly string[] = [
  " ",
  "a",
  "[",
  "]",
  "0",
  "\t",
  "-",
  ":",
  '"',
  "A ",
  "1 ",
  "a b ",
  "[x] ",
  "\\",
  "é",
  "😀",
];

/** A valid-looking time that starts the second form of every line. */
const TIME_PREFIX = "2026-12-01T00:00:00Z ";

/** One adversarial line: its label and its text (at most `bytes` of UTF-8). */
export interface AdversarialLine {
  readonly label: string;
  readonly text: string;
}

/** Every piece repeated to `bytes` of UTF-8, bare and after {@link TIME_PREFIX} (ending in a newline). */
export function adversarialLines(bytes = LARGEST_EVENT_BYTES): AdversarialLine[] {
  const lines: AdversarialLine[] = [];
  for (const piece of ADVERSARIAL_PIECES) {
    const body = piece.repeat(Math.floor(bytes / Buffer.byteLength(piece)));
    const shown = JSON.stringify(piece);
    lines.push({ label: `${shown} repeated`, text: body });
    // Whole pieces make room for the time and the newline, so the line stays within `bytes`.
    const drop = Math.ceil((TIME_PREFIX.length + 1) / Buffer.byteLength(piece));
    const tail = body.slice(0, body.length - drop * piece.length);
    lines.push({ label: `time, then ${shown} repeated`, text: `${TIME_PREFIX}${tail}\n` });
  }
  return lines;
}
