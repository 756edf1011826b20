import * as assert from "assert";
import { quicksightInputColumns } from "../../../components/batch/quicksight";

describe("quicksightInputColumns", () => {
  it("lists the raw columns then the partition keys, int as INTEGER and the rest as STRING", () => {
    assert.deepStrictEqual(quicksightInputColumns(), [
      { name: "timestamp", type: "STRING" },
      { name: "alarmlevel", type: "STRING" },
      { name: "host", type: "STRING" },
      { name: "user", type: "STRING" },
      { name: "number", type: "INTEGER" },
      { name: "text", type: "STRING" },
      { name: "dt", type: "STRING" },
      { name: "hour", type: "INTEGER" },
    ]);
  });
});
