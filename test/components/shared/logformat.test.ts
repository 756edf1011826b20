import * as assert from "assert";
import { HANDS_ON_CADENCE, createRandom, simulateLines } from "../../../components/network/generator/lines";
import {
  LOG_FIELDS,
  LOG_LINE_REGEX,
  parseLogLine,
  parseLogTimestamp,
} from "../../../components/shared/logformat";

describe("hands-on log format", () => {
  it("parses a hands-on line into the parser's six named fields", () => {
    assert.deepStrictEqual(
      parseLogLine("[2019-06-20 21:34:56+0900] WARNING prd-web002 uchida 1234 [This is Warning.]"),
      {
        timestamp: "2019-06-20 21:34:56+0900",
        alarmlevel: "WARNING",
        host: "prd-web002",
        user: "uchida",
        number: "1234",
        text: "This is Warning.",
      },
    );
    assert.deepStrictEqual(Object.keys(parseLogLine("[2019-06-20 21:34:56+0900] INFO h u 1 [m]")!), [
      ...LOG_FIELDS,
    ]);
  });

  for (const bad of [
    "",
    "INFO prd-db02 uehara 1001 [x]",
    "[2019-06-20 21:34:56+0900] INFO prd-db02 uehara 1001 x",
    '{"a":1}',
  ]) {
    it(`returns undefined for a line not in the format: ${JSON.stringify(bad)}`, () => {
      assert.strictEqual(parseLogLine(bad), undefined);
    });
  }

  const times: [string, number | undefined][] = [
    ["2019-06-20 21:34:56+0900", Date.UTC(2019, 5, 20, 12, 34, 56)],
    ["2019-06-20 00:00:00+0900", Date.UTC(2019, 5, 19, 15, 0, 0)],
    ["2019-06-20 00:00:00-0130", Date.UTC(2019, 5, 20, 1, 30, 0)],
    ["2019-06-20T21:34:56+0900", undefined],
    ["2019-06-20 21:34:56", undefined],
  ];
  for (const [text, expected] of times) {
    it(`reads ${text} as ${expected === undefined ? "invalid" : new Date(expected).toISOString()}`, () => {
      assert.strictEqual(parseLogTimestamp(text), expected);
    });
  }
});

/**
 * The hands-on's parser exactly as the hands-on wrote it: the oracle the linear pattern must agree
 * with. It is only run on short lines here, where its backtracking is still fast.
 */
const HANDS_ON_REGEX =
  /^\[(?<timestamp>[^ ]* [^ ]*)\] (?<alarmlevel>[^ ]*) *? (?<host>[^ ]*) * (?<user>[^ ]*) * (?<number>.*) \[(?<text>.*)\]$/;

const groupsOf = (re: RegExp, line: string) => {
  const m = re.exec(line);
  return m?.groups ? { ...m.groups } : null;
};

describe("hands-on log format: the linear pattern agrees with the hands-on's regex", () => {
  it("on 5,000 lines of the generator", () => {
    const lines = simulateLines(5_000, Date.UTC(2019, 5, 20), HANDS_ON_CADENCE, createRandom(11));
    for (const line of lines) {
      const ours = groupsOf(LOG_LINE_REGEX, line);
      assert.ok(ours, `generator line not parsed: ${line}`);
      assert.deepStrictEqual(ours, groupsOf(HANDS_ON_REGEX, line));
    }
  });

  it("on 200,000 random short lines built from the characters the pattern cares about", () => {
    const random = createRandom(2024);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    // Spaces and brackets steer the pattern; line terminators are what `.` does not match.
    const pieces = [" ", " ", " ", " ", " ", "[", "]", "a", "b", "\n", "\r", "\u2028", " [", "] ", "[]"];
    const heads = [
      "[a b] ",
      "[ ] ",
      "[a] b] ",
      "[a b]] ",
      "[a b]",
      "[ab] ",
      "",
      "[a  b] ",
      "[a b] c",
      "[]a b] ",
    ];
    const ends = [" [", "  [", " ", "["];
    let matched = 0;
    for (let i = 0; i < 200_000; i++) {
      let line = pick(heads);
      for (let k = Math.floor(random() * 16); k > 0; k--) line += pick(pieces);
      if (random() < 0.7) {
        line += pick(ends);
        for (let k = Math.floor(random() * 4); k > 0; k--) line += pick(pieces);
        if (random() < 0.85) line += "]";
      }
      const expected = groupsOf(HANDS_ON_REGEX, line);
      if (expected) matched++;
      assert.deepStrictEqual(groupsOf(LOG_LINE_REGEX, line), expected, JSON.stringify(line));
    }
    // The comparison is only meaningful if both outcomes occur often.
    assert.ok(matched > 10_000 && matched < 190_000, `${matched} of 200,000 lines matched`);
  });

  const head = "[2019-06-20 12:34:56+0900] INFO";
  const size = 256 * 1024; // CloudWatch Logs' maximum event size
  const adversarial: [string, string, boolean][] = [
    ["spaces that never reach ]", head + " ".repeat(size), false],
    ["spaces, then an unclosed [", head + " ".repeat(size) + "[x", false],
    ["repeated ' ['", head + " [".repeat(size / 2), false],
    ["repeated ' a'", head + " a".repeat(size / 2), false],
    ["double spaces between words", head + "  a".repeat(size / 3) + " [", false],
    ["repeated '] ' in the timestamp", "[ " + "] ".repeat(size / 2), false],
    ["a '[' then only spaces", "[" + " ".repeat(size), false],
    ["many ' [' before a line break", head + " a a " + " [x".repeat(size / 3) + "]\n", false],
    ["a 256 KB message that matches", head + " h u 1 [" + "x [".repeat(size / 3) + "]", true],
    ["a 256 KB run of spaces that matches", head + " ".repeat(size) + "h u 1 [m]", true],
  ];
  for (const [title, line, matches] of adversarial) {
    it(`handles a 256 KB line in milliseconds: ${title}`, () => {
      const start = process.hrtime.bigint();
      const result = parseLogLine(line);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      assert.strictEqual(result !== undefined, matches);
      assert.ok(ms < 200, `took ${ms.toFixed(1)} ms`);
    });
  }
});
