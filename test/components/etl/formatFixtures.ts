/**
 * The user formats the job's Python tests curate, and the JavaScript captures its pattern
 * conversion must reproduce: the example stack's JSON format (Pulumi.example-app.yaml, read through
 * the project's config parser), a text format (docs/sources.md's example pattern, validated the same
 * way), and patterns covering each construct whose meaning differs between JavaScript and Python.
 * Handed to Python as part of the lake facts (pyunit.ts writeLakeFacts).
 */
import { DOCS_TEXT_FORMAT, validatedFormat } from "../../helpers/formats";
import { formatFacts, jsCaptures } from "../../../tools/etl/lakeFacts";
import { exampleAppSchema } from "../queries/genericInput";

/**
 * Patterns whose JavaScript meaning needs care in Python: the text example and the patterns the
 * config check's linear-time test accepts (test/components/shared/schema.test.ts), then one per
 * construct: \s and \S (Unicode white space and U+FEFF), . (four line terminators), $ (end of input
 * only, not before a final newline), \b and \w (ASCII), Annex B's {, \c, identity and octal
 * escapes, [] and [^], ranges next to class escapes, and characters outside the BMP (two UTF-16
 * units in a pattern without the u flag).
 */
export const PARITY_PATTERNS: readonly string[] = [
  DOCS_TEXT_FORMAT.pattern,
  String.raw`^(?<ts>\S+) \[(?<level>[A-Z]+)\] (?<host>[\w.-]+) (?<msg>[^\n]*)$`,
  String.raw`^(?<ip>[\d.]+) - (?<user>\S+) \[(?<ts>[^\]]+)\] "(?<method>[A-Z]+) (?<path>\S+) [^"]*" (?<status>\d{3}) (?<bytes>\d+|-)$`,
  String.raw`(?<a>\s+)(?<b>\S+)`,
  String.raw`(?<a>[\s\d]+)(?<b>[^\s,]+)`,
  String.raw`(?<a>[^\S\t]+)(?<b>[\S\t]+)`,
  String.raw`(?<a>.)(?<b>.{2})$`,
  String.raw`(?<a>\w+)\b(?<b>\W*)`,
  String.raw`(?<a>a{,3})(?<b>x{2})`,
  String.raw`(?<a>[]|b)(?<c>[^]{2})`,
  String.raw`(?<a>\cJ|\c)(?<b>\e\q\x4\u12)`,
  String.raw`(?<a>\0|\01|\101|\8)(?<b>[\0\101-\102\8])`,
  String.raw`(?<a>[\d-z]+)(?<b>[a\-z]+)`,
  String.raw`(?<a>é+|😀)(?<b>[😀é])`,
  String.raw`(?<a>\u00e9|\x41)(?<b>[\u00e8-\u00ea\x41-\x43]+)`,
  String.raw`^(?<a>[^ ]*)(?<b>(?:x|y)?)$`,
  String.raw`(?<a>\bfoo\B)(?<b>.*?)(?<c>\d+)?$`,
  String.raw`(?<a>[\b])(?<b>\v\f)`,
  String.raw`(?<a>[\w&&]+)(?<b>[~~|]+)`,
  String.raw`(?<a>[.$^*+?(){}|\\]+)`,
  String.raw`(?<a>\{)(?<b>\})(?<c>x{1}y{1,}z{1,2})`,
];

/** Lines for every pattern: matches, near misses, each kind of white space and line terminator, astral characters. */
export const PARITY_LINES: readonly string[] = [
  "2026-12-01T09:00:00+0900 INFO 200 hello world",
  "2026-12-01T09:00:00+0900 INFO 200 hello world\n",
  "2026-12-01T09:00:00+0900 INFO 2000 too long",
  "2026 [INFO] host-1.example message é",
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
  '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 404 -',
  "a b",
  " \u00a0x",
  "\u3000\ufeffy",
  "\u2028z",
  "x\u2029",
  "\u0085q",
  "\u001cq",
  "\t\tx",
  "a,b c",
  "1 2 3,4",
  "é😀é",
  "😀😀x",
  "b😀😀",
  "ab",
  "abc\n",
  "foo!",
  "foobar 123",
  "aaa xx",
  "aaxx",
  "\n",
  "",
  "\x08\x0b\x0c",
  "\n\\e q\x04\u0012",
  "\x00\x01A8",
  "\x00A",
  "-z9",
  "a-z",
  "éé😀",
  "éAB",
  "xyz",
  "&&~~||",
  "$.^*",
  "{}xyyz",
  "\\c\\e",
  "ab\u00a0",
];

/** The format facts the Python tests read (merged into the lake facts). */
export function formatTestFacts() {
  return {
    formats: {
      exampleApp: formatFacts(exampleAppSchema()),
      text: formatFacts(validatedFormat(DOCS_TEXT_FORMAT)),
    },
    patternParity: PARITY_PATTERNS.map((pattern) => ({
      pattern,
      captures: jsCaptures(pattern, PARITY_LINES),
    })),
  };
}
