import * as assert from "assert";
import { warehouseName } from "../../../components/batch/warehouse";

describe("warehouseName", () => {
  const cases: [string, string][] = [
    ["dev", "datalake-dev"],
    ["Prod", "datalake-prod"],
    ["team_a.eu", "datalake-team-a-eu"],
  ];
  for (const [stack, expected] of cases) {
    it(`names the namespace and workgroup of stack "${stack}" ${expected}`, () => {
      assert.strictEqual(warehouseName(stack), expected);
    });
  }
});
