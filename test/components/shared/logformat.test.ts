import * as assert from "assert";
import { LOG_FIELDS, parseLogLine, parseLogTimestamp } from "../../../components/shared/logformat";

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
