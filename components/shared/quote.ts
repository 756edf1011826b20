/**
 * A value as an error message quotes it: JSON (a string in quotes), cut to `max` characters with
 * the full length said, so a huge value (a pasted file, an expanded YAML alias) never floods the
 * terminal or a log line.
 */
export const QUOTE_MAX_CHARS = 200;

export function quoteValue(value: unknown, max = QUOTE_MAX_CHARS): string {
  let text: string;
  try {
    text = value === undefined ? "(not set)" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters in all)`;
}
