/**
 * Removes credentials from text before it reaches an error message or a log line. A domain (or a
 * proxy in front of it) may echo the request in its error body, headers included, so every text
 * the bootstrap reports passes through {@link redact} first. Pure.
 */

/** What replaces a credential. */
export const REDACTED = "[REDACTED]";

/**
 * Header and field names whose values are credentials. Matched case-insensitively as a JSON key
 * (`"authorization": "..."`), an HTTP header line (`Authorization: ...`) or a query/form parameter
 * (`password=...`).
 */
const SECRET_KEYS = [
  "authorization",
  "proxy-authorization",
  "x-amz-security-token",
  "x-amz-signature",
  "cookie",
  "set-cookie",
  "password",
  "passwd",
  "secret",
  "token",
  "access_token",
  "refresh_token",
  "session_token",
  "api_key",
  "apikey",
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const KEYS = SECRET_KEYS.map(escape).join("|");

/** `"authorization": "Basic abc"` (JSON, with or without escaped quotes around the key). */
const JSON_FIELD = new RegExp(`(\\\\?"(?:${KEYS})\\\\?"\\s*:\\s*)(\\\\?")(?:[^"\\\\]|\\\\.)*?(\\2)`, "gi");
/** `Authorization: Basic abc` up to the end of the line (raw header dumps). */
const HEADER_LINE = new RegExp(`(^|[\\r\\n{,;]\\s*)((?:${KEYS})\\s*:\\s*)(?!\\s*\\\\?")[^\\r\\n,;}]+`, "gim");
/** `password=abc` in a query string or form body. */
const PARAMETER = new RegExp(`([?&;\\s](?:${KEYS})=)[^&\\s"';]+`, "gi");
/** Any `Basic <base64>` or `Bearer <token>` credential, wherever it appears. */
const SCHEME = /\b(Basic|Bearer|AWS4-HMAC-SHA256)\s+[A-Za-z0-9+/=._~,:=-]+/g;

/**
 * `text` with every credential replaced by {@link REDACTED}: the given secret values (and their
 * base64 and URL-encoded forms, and the basic-auth pair), then anything that looks like a
 * credential by its header or field name.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  const values = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    values.add(s);
    values.add(encodeURIComponent(s));
    values.add(JSON.stringify(s).slice(1, -1));
    values.add(Buffer.from(s).toString("base64"));
  }
  // Longest first, so a value that contains another is replaced whole.
  for (const v of [...values].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(v).join(REDACTED);
  }
  return out
    .replace(SCHEME, `$1 ${REDACTED}`)
    .replace(JSON_FIELD, `$1$2${REDACTED}$3`)
    .replace(HEADER_LINE, `$1$2${REDACTED}`)
    .replace(PARAMETER, `$1${REDACTED}`);
}
