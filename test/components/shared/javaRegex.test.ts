/**
 * A text format's pattern in Java's syntax (components/shared/javaRegex.ts): the character sets it
 * is built from equal JavaScript's, each rewriting table-style, the wrapping of a pattern that does
 * not span the line, and one sentence for each construct Java would read differently. That Java
 * then reads lines as JavaScript does is shown on Trino (test/components/queries/namedQueries.trino.ts).
 */
import * as assert from "assert";
import {
  JS_LINE_TERMINATORS,
  JS_WHITESPACE,
  JavaRegexError,
  MAX_GROUP_REPETITIONS,
  javaRegexOf,
  javaRegexProblem,
} from "../../../components/shared/javaRegex";
import { LOG_FIELDS, LOG_LINE_PATTERN } from "../../../components/shared/logformat";
import { namedGroups } from "../../../components/shared/schemaCheck";

const ANY = "[\\x00-\\x{10ffff}]";
const WS =
  "\\x09-\\x0d\\x20\\xa0\\x{1680}\\x{2000}-\\x{200a}\\x{2028}-\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";
const NOT_WS =
  "\\x00-\\x08\\x0e-\\x1f\\x21-\\x9f\\xa1-\\x{167f}\\x{1681}-\\x{1fff}\\x{200b}-\\x{2027}\\x{202a}-\\x{202e}\\x{2030}-\\x{205e}\\x{2060}-\\x{2fff}\\x{3001}-\\x{fefe}\\x{ff00}-\\x{10ffff}";
const DOT = "[^\\x0a\\x0d\\x{2028}\\x{2029}]";

/** The Java form of a pattern whose named groups are its fields, in their order. */
const java = (pattern: string) => javaRegexOf(pattern, namedGroups(pattern));
/** The Java form of an unanchored pattern, without the wrapper that makes matches() a search. */
const inner = (pattern: string) => {
  const out = java(pattern);
  assert.ok(out.startsWith(`${ANY}*?(?:`) && out.endsWith(`)${ANY}*`), out);
  return out.slice(ANY.length + 5, -(ANY.length + 2));
};

function inRanges(cp: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([a, b]) => cp >= a && cp <= b);
}

describe("javaRegexOf: JavaScript's character sets, written out", () => {
  it("JS_WHITESPACE is exactly what JavaScript's \\s matches, over every UTF-16 code unit", () => {
    for (let cp = 0; cp < 0x10000; cp++) {
      assert.strictEqual(
        inRanges(cp, JS_WHITESPACE),
        /\s/.test(String.fromCharCode(cp)),
        `U+${cp.toString(16)}`,
      );
    }
  });

  it("JS_LINE_TERMINATORS is exactly what JavaScript's . refuses", () => {
    for (let cp = 0; cp < 0x10000; cp++) {
      assert.strictEqual(
        JS_LINE_TERMINATORS.includes(cp),
        !/./.test(String.fromCharCode(cp)),
        `U+${cp.toString(16)}`,
      );
    }
  });

  it("\\S inside a class is the complement of \\s up to U+10FFFF", () => {
    assert.strictEqual(inner("(?<a>[\\S])"), `([${NOT_WS}])`);
    assert.strictEqual(inner("(?<a>[^\\s])"), `([^${WS}])`);
  });
});

describe("javaRegexOf: rewritings", () => {
  const cases: [string, string, string][] = [
    ["named groups become plain groups", "(?<a_b>x)(?<c>y)", "(x)(y)"],
    ["non-capturing groups and lookaheads stay", "(?<a>(?:x|y)(?=z)(?!w))", "((?:x|y)(?=z)(?!w))"],
    ["the dot refuses JavaScript's line terminators", "(?<a>.+)", `(${DOT}+)`],
    ["\\s and \\S are JavaScript's", "(?<a>\\S+)\\s", `([^${WS}]+)[${WS}]`],
    ["\\d, \\w and their negations are ASCII in both", "(?<a>\\d\\D\\w\\W)", "(\\d\\D\\w\\W)"],
    [
      "word boundaries become lookarounds over ASCII \\w",
      "(?<a>\\bx\\B)",
      "((?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))x(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w)))",
    ],
    ["\\v, \\0 and \\cX by their codes", "(?<a>\\v\\0\\cj\\cJ)", "(\\x0b\\x00\\x0a\\x0a)"],
    ["escapes both engines read alike stay", "(?<a>\\t\\n\\r\\f\\.\\[\\/\\-)", "(\\t\\n\\r\\f\\.\\[\\/\\-)"],
    ["characters by their code as \\xhh or \\x{h...}", "(?<a>\\x41\\u00e9\\u2028)", "(\\x41\\xe9\\x{2028})"],
    ["a surrogate pair as the one character it encodes", "(?<a>\\uD83D\\uDE00)", "(\\x{1f600})"],
    ["literal {, } and ] are escaped", "(?<a>a{)}]{x", "(a\\{)\\}\\]\\{x"],
    ["quantifiers are written alike", "(?<a>a{2}b{1,}c{1,3}?d*?e+f?)", "(a{2}b{1,}c{1,3}?d*?e+f?)"],
    ["[^] and [] become the classes of any and no character", "(?<a>[^])[]", `(${ANY})[^\\x00-\\x{10ffff}]`],
    ["[, & and ^ are literal inside a JavaScript class", "(?<a>[[&^a])", "([\\[\\&\\^a])"],
    ["a dash that makes no range is literal", "(?<a>[\\d-z-])", "([\\d\\-z\\-])"],
    ["ranges stay ranges", "(?<a>[a-z0-9\\x00-\\x1f])", "([a-z0-9\\x00-\\x1f])"],
    [
      "[\\b] is a backspace and \\c takes digits inside a class",
      "(?<a>[\\b\\c1\\c_])",
      "([\\x08\\x11\\x1f])",
    ],
    ["a non-ASCII character needs no backslash", "(?<a>\\é)", "(é)"],
  ];
  for (const [what, pattern, expected] of cases) {
    it(`${what}: ${pattern}`, () => {
      assert.strictEqual(inner(pattern), expected);
    });
  }
});

describe("javaRegexOf: matches() on the whole line as JavaScript's exec searches it", () => {
  it("a pattern from ^ to $ stays as written, $ as \\z (Java's $ also matches before a final line separator)", () => {
    assert.strictEqual(java("^(?<a>[^ ]+) (?<b>.*)$"), `^([^ ]+) (${DOT}*)\\z`);
  });

  it("any other pattern is wrapped so that matches() finds the leftmost match with the same groups", () => {
    for (const p of ["(?<a>\\d+)", "^(?<a>\\d+)", "(?<a>\\d+)$", "^(?<a>x)$|^y$", "^(?<a>x$)"]) {
      assert.match(java(p), /^\[\\x00-\\x\{10ffff\}\]\*\?\(\?:.*\)\[\\x00-\\x\{10ffff\}\]\*$/, p);
    }
    assert.strictEqual(inner("^(?<a>x)$|^y$"), "^(x)\\z|^y\\z");
  });

  it("the hands-on's parser converts (its lookaheads stay; the fields in order)", () => {
    const out = java(LOG_LINE_PATTERN);
    assert.strictEqual(namedGroups(LOG_LINE_PATTERN).join(), LOG_FIELDS.join());
    assert.ok(out.startsWith("^\\[([^ ]* [^ ]*)\\] ([^ ]*)(?: (?= )| +(?! ))"), out);
    assert.ok(out.endsWith(`\\[((?:(?! \\[)${DOT})*)\\]\\z`), out);
  });

  it("a group of fixed width may repeat without bound (Java does not recurse on it)", () => {
    assert.strictEqual(inner("(?<a>(?:ab)*(?:\\d{3})+)"), "((?:ab)*(?:\\d{3})+)");
  });

  it(`a group of varying width may repeat up to ${MAX_GROUP_REPETITIONS} times`, () => {
    assert.strictEqual(
      inner(`(?<a>(?:[^ ]+ ?){0,${MAX_GROUP_REPETITIONS}})`),
      `((?:[^ ]+ ?){0,${MAX_GROUP_REPETITIONS}})`,
    );
  });
});

describe("javaRegexOf: one sentence for what Java would read differently", () => {
  const cases: [string, string, readonly string[], string][] = [
    [
      "an unnamed capturing group",
      "^(?<a>x)(y|z)$",
      ["a"],
      "has an unnamed capturing group ( at character 9; the raw table's RegexSerDe makes every capturing group a column, so write it as a non-capturing group (?:...)",
    ],
    [
      "groups out of field order",
      "^(?<b>x) (?<a>y)$",
      ["a", "b"],
      "has its groups in the order b, a but format.fields declares a, b; declare the fields in the pattern's order, since the raw table's RegexSerDe fills its columns from the groups by position",
    ],
    [
      "a group named twice (JavaScript allows it in alternatives since ES2025)",
      "(?<a>x)|(?<a>y)",
      ["a"],
      "names the group(s) a more than once; give each declared field exactly one (?<name>...) group",
    ],
    [
      "a backreference",
      "(?<a>x)\\1",
      ["a"],
      'uses "\\\\1" at character 8, a backreference or an octal escape, which Java (the raw table\'s RegexSerDe) reads differently from JavaScript; match the text again explicitly, and write a character by its code as \\xhh',
    ],
    [
      "a named backreference",
      "(?<a>x)\\k<a>",
      ["a"],
      'uses "\\\\k<a>" at character 8, a backreference or an octal escape, which Java (the raw table\'s RegexSerDe) reads differently from JavaScript; match the text again explicitly, and write a character by its code as \\xhh',
    ],
    [
      "an octal escape",
      "(?<a>\\012)",
      ["a"],
      'uses "\\\\012" at character 6, a backreference or an octal escape, which Java (the raw table\'s RegexSerDe) reads differently from JavaScript; match the text again explicitly, and write a character by its code as \\xhh',
    ],
    [
      "a lookbehind",
      "(?<=x)(?<a>y)",
      ["a"],
      "has a lookbehind (?<=...) at character 1, which Java (the raw table's RegexSerDe) allows only with a bounded length and reads differently; rewrite the pattern without it",
    ],
    [
      "inline flags",
      "(?i:x)(?<a>y)",
      ["a"],
      "has inline flags (?i:... at character 1, which JavaScript and Java (the raw table's RegexSerDe) apply differently; write the cases out instead, e.g. [Aa]",
    ],
    [
      "an escaped letter JavaScript reads as itself",
      "(?<a>\\q)",
      ["a"],
      'uses "\\\\q" at character 6, which JavaScript reads as the letter q and Java (the raw table\'s RegexSerDe) as something else or an error; write q without the backslash',
    ],
    [
      "\\x without two hex digits",
      "(?<a>\\xg)",
      ["a"],
      'uses "\\\\x" at character 6, which JavaScript reads as the letter x and Java (the raw table\'s RegexSerDe) as something else or an error; write x without the backslash',
    ],
    [
      "\\p, a property in Java",
      "(?<a>\\p{L})",
      ["a"],
      'uses "\\\\p" at character 6, which JavaScript reads as the letter p and Java (the raw table\'s RegexSerDe) as something else or an error; write p without the backslash',
    ],
    [
      "a group inside a repeated group",
      "(?:(?<a>x)|y){2}",
      ["a"],
      "puts the group a inside a repeated group (at character 4), whose captures JavaScript clears on every repetition and Java (the raw table's RegexSerDe) keeps; capture the whole repetition instead, e.g. (?<a>(?:...)*)",
    ],
    [
      "a group of varying width repeated without bound",
      "(?<a>(?:[^ ]+ )*)",
      ["a"],
      `repeats the group at character 6 with *, which Java (the raw table's RegexSerDe) matches one call deeper per repetition, so a long line fails every query that reads it; repeat a character class instead (e.g. [^ ]* rather than (?:[^ ] ?)*), or bound the repetition to at most ${MAX_GROUP_REPETITIONS}`,
    ],
    [
      "an alternation repeated beyond the bound",
      `(?<a>(?:a|b){1,${MAX_GROUP_REPETITIONS + 1}})`,
      ["a"],
      `repeats the group at character 6 with {1,${MAX_GROUP_REPETITIONS + 1}}, which Java (the raw table's RegexSerDe) matches one call deeper per repetition, so a long line fails every query that reads it; repeat a character class instead (e.g. [^ ]* rather than (?:[^ ] ?)*), or bound the repetition to at most ${MAX_GROUP_REPETITIONS}`,
    ],
  ];
  for (const [what, pattern, fields, message] of cases) {
    it(`refuses ${what}`, () => {
      assert.throws(
        () => javaRegexOf(pattern, fields),
        (err: unknown) => err instanceof JavaRegexError && err.message === message,
      );
      assert.strictEqual(javaRegexProblem(pattern, fields), message);
      assert.ok(!message.includes("\n"));
    });
  }

  it("javaRegexProblem is undefined for a pattern both engines read alike", () => {
    assert.strictEqual(javaRegexProblem("^(?<ts>\\S+) (?<msg>.*)$", ["ts", "msg"]), undefined);
  });
});
