/**
 * The Trino suite (namedQueries.trino.ts) runs every query of QUERY_SETS; this keeps that list
 * complete: each named query the dev stack saves must be one of them, with the same name and text.
 */
import * as assert from "assert";
import { RAW_TABLE_NAME } from "../../../components/shared/lake";
import { renderedStack } from "../../helpers/renderedStacks";
import { GENERIC, QUERY_SETS, TEXT_GENERIC, compare } from "./expectations";

describe("named queries checked on Trino", () => {
  it("every named query the dev stack saves is in a query set the Trino suite runs, unchanged", async function () {
    this.timeout(600_000);
    const rendered = await renderedStack("dev");
    const saved = (rendered.state.deployment.resources ?? []).filter(
      (r) => r.type === "aws:athena/namedQuery:NamedQuery",
    );
    assert.ok(saved.length > 0, `the dev stack rendered no named query:\n${rendered.stderr}`);
    for (const r of saved) {
      const inputs = r.inputs as { name: string; query: string; database: string };
      const matches = [...QUERY_SETS, GENERIC, TEXT_GENERIC]
        .flatMap((set) => set.queries(inputs.database, RAW_TABLE_NAME))
        .filter((q) => q.name === inputs.name && q.sql === inputs.query);
      assert.strictEqual(
        matches.length,
        1,
        `named query ${inputs.name} of the dev stack is in no query set of test/components/queries/expectations.ts`,
      );
    }
  });

  it("every query of every set has an expectation", () => {
    for (const set of [...QUERY_SETS, GENERIC, TEXT_GENERIC]) {
      for (const q of set.queries("db", RAW_TABLE_NAME)) {
        assert.ok(set.expect[q.id], `${set.title}: no expectation for ${q.id}`);
      }
    }
  });

  for (const set of [GENERIC, TEXT_GENERIC]) {
    it(`the generic set is namedQueriesFor's: all three queries, each with an expectation (${set.title})`, () => {
      const queries = set.queries("db", RAW_TABLE_NAME);
      assert.deepStrictEqual(
        queries.map((q) => q.id),
        ["events-per-hour", "events-per-keyword", "latest-events"],
      );
      assert.deepStrictEqual(Object.keys(set.expect).sort(), queries.map((q) => q.id).sort());
    });
  }

  it("the ascending-order check compares numbers as numbers (hour 9 before hour 10) and catches a wrong order", () => {
    const result = (rows: unknown[][]) => ({
      columns: [
        { name: "dt", type: "varchar" },
        { name: "hour", type: "integer" },
        { name: "events", type: "bigint" },
      ],
      rows,
    });
    const expected = {
      rows: [
        ["2026-12-06", 9, 1],
        ["2026-12-06", 10, 2],
      ],
      order: { asc: [0, 1] },
    };
    assert.deepStrictEqual(compare(expected, result(expected.rows)), []);
    assert.deepStrictEqual(compare(expected, result([...expected.rows].reverse())), [
      "rows are not in ascending order of columns 1, 2 at row 2",
    ]);
  });
});
