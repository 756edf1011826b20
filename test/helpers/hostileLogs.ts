/**
 * Log messages that have broken the forwarder or the engine before: invalid UTF-16, escaped and
 * repeated keys, keys OpenSearch refuses, values of the wrong type for a declared field, nesting
 * past the mapping's and the parser's depth limits, long values. Shared by the transform's fuzz test
 * (test/components/speed/transformFuzz.test.ts) and the engine suite, which sends them to a real
 * OpenSearch node (test/components/speed/speed.opensearch.ts).
 */

/** A generator of hostile messages driven by `random` (0 <= x < 1). */
export function hostileMessages(random: () => number): () => string {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)];
  const keys = [
    "a",
    "b",
    "@timestamp",
    "@id",
    "\\u0040timestamp",
    "\\u0061",
    "@x",
    "number",
    "text",
    "__proto__",
    "",
    ".",
    "a..b",
    "host",
    "host.name",
    "@moved",
  ];
  const strings = [
    '"x"',
    '"\\ud800"',
    '"\ud800"',
    '"\udc00x"',
    '"\ud83d\ude00"',
    '"\\u2028"',
    '"\u2028"',
    '"q\\"t"',
    '""',
  ];
  const scalar = () => pick([...strings, "1", "-0.5e3", "true", "null", "12345678901234567890"]);
  const json = (depth: number): string => {
    if (depth > 3 || random() < 0.4) return scalar();
    if (random() < 0.3) return "[" + Array.from({ length: int(3) }, () => json(depth + 1)).join(",") + "]";
    const members = Array.from(
      { length: int(5) },
      () => `"${pick(keys)}"${pick([":", " : "])}${json(depth + 1)}`,
    );
    return "{" + members.join(pick([",", ", "])) + "}";
  };
  const message = (): string => {
    switch (int(40)) {
      case 0:
      case 8:
      case 9:
        return "[2019-06-20 21:34:56+0900] INFO  h   u " + int(1e6) + " [t " + pick(strings) + "]";
      case 1:
      case 6:
      case 7:
        return "x".repeat(int(3)) + pick(["\ud800", "\udfff", "\u0000", "\n", "é", "\ud83d\ude00"]);
      case 10: {
        // Deeper than the mapping's depth limit (20), shallower than the parser's (1,000).
        const n = 15 + int(10);
        return '{"a":1,"b":' + "[".repeat(n) + "1" + "]".repeat(n) + "}";
      }
      case 11:
        // A keyword value over Lucene's 32,766-byte term limit.
        return JSON.stringify({ host: "h".repeat(33_000), user: "u" });
      case 2:
        if (random() < 0.8) return json(0);
        // Deep nesting: 5,000 levels, past OpenSearch's limit and JSON.stringify's stack.
        return '{"@x":1,"a":' + "[".repeat(5000) + "]".repeat(5000) + "}";
      case 3:
      case 4:
      case 5:
        return pick([" ", "\t", "\n"]) + json(0);
      default:
        return json(0);
    }
  };
  return message;
}

const nest = (n: number, open: string, close: string, inner: string) =>
  open.repeat(n) + inner + close.repeat(n);

/** One named hostile message: the keys the transform must move under `@moved`, in order. */
export interface HostileCase {
  readonly title: string;
  readonly message: string;
  readonly moved: readonly string[];
}

/**
 * The messages the engine refused before the mapping policy (each now indexed, by a real node in
 * the engine suite), and the hostile inputs of the transform's tests.
 */
export const HOSTILE_CASES: readonly HostileCase[] = [
  {
    title: "objects nested 25 deep on one line (the fast path)",
    message: '{"user":"deep","a":' + nest(24, '{"a":', "}", "1") + "}",
    moved: ["a"],
  },
  {
    title: "arrays nested 25 deep, which the engine's depth limit refuses",
    message: '{"user":"deep","a":' + nest(25, "[", "]", "1") + "}",
    moved: ["a"],
  },
  {
    title: "arrays nested 19 deep, within the limit",
    message: '{"user":"deep","a":' + nest(19, "[", "]", "1") + "}",
    moved: [],
  },
  {
    title: "a host of 40,000 characters (over Lucene's term limit)",
    message: JSON.stringify({ host: "h".repeat(40_000), user: "longhost" }),
    moved: [],
  },
  {
    title: "a plain hands-on line whose user is 40,000 characters",
    message: `[2019-06-20 21:34:56+0900] ERROR prd-db001 ${"u".repeat(40_000)} 42 [long user]`,
    moved: [],
  },
  {
    title: "1,200 keys named by ids (a mapping explosion under dynamic mapping)",
    message: JSON.stringify({
      user: "ids",
      ...Object.fromEntries(Array.from({ length: 1200 }, (_v, i) => [`id-${i}`, i])),
    }),
    moved: [],
  },
  { title: "an empty key", message: '{"":1,"user":"empty"}', moved: [""] },
  { title: "a key of only a dot", message: '{".":1,"user":"dot"}', moved: ["."] },
  { title: "a key with two dots in a row", message: '{"a..b":1,"user":"dots"}', moved: ["a..b"] },
  { title: "a key starting with a dot", message: '{".a":1,"user":"dots"}', moved: [".a"] },
  { title: "an empty key two levels down", message: '{"x":{"y":{"":1}},"user":"inner"}', moved: ["x"] },
  { title: "host as an object", message: '{"host":{"name":"h1"},"user":"conflict"}', moved: ["host"] },
  {
    title: "host.name next to a keyword host",
    message: '{"host.name":"h1","user":"conflict"}',
    moved: ["host.name"],
  },
  {
    title: "number as an array holding an object",
    message: '{"number":[1,{"x":1}],"user":"conflict"}',
    moved: ["number"],
  },
  { title: "text as an object", message: '{"text":{"a":1},"user":"conflict"}', moved: ["text"] },
  {
    title: "number as a word (ignore_malformed)",
    message: '{"number":"many","user":"malformed"}',
    moved: [],
  },
  { title: "a message's own @moved", message: '{"@moved":"theirs","user":"reserved"}', moved: ["@moved"] },
  {
    title: "host as an object on the slow path (escaped string, __proto__ key)",
    message: '{"__proto__":{"p":1},"host":{"n":"\\u00e9"},"user":"slow","s":"\\ud83d\\ude00"}',
    moved: ["host"],
  },
  { title: "a lone surrogate and a line separator", message: '{"user":"utf","s":"\ud800\u2028"}', moved: [] },
  {
    title: "escaped and repeated keys",
    message: '{"\\u0061":1,"a":2,"\\u0040timestamp":"x","user":"esc"}',
    moved: [],
  },
  { title: "JSON over several lines", message: '{\n  "user": "multi",\n  "n": 1\n}', moved: [] },
  { title: "plain text with control characters", message: "plain \u0000 text \u001b[31m red", moved: [] },
  {
    title: "arrays nested 1,000 deep (the parser's limit)",
    message: '{"user":"p1000","a":' + nest(998, "[", "]", "") + "}",
    moved: ["a"],
  },
  {
    title: "arrays nested 5,000 deep (only the raw message is indexed)",
    message: '{"user":"p5000","a":' + nest(5000, "[", "]", "") + "}",
    moved: [],
  },
];
