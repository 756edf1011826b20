import * as assert from "assert";
import type { BatchLayerArgs } from "../../../components/batch";
import { defaultDatabaseName, resolveBatchSettings } from "../../../components/batch/settings";

const NETWORK = {
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  vpcCidrBlock: "10.10.0.0/16",
};

describe("defaultDatabaseName", () => {
  const cases: [string, string][] = [
    ["dev", "datalake_dev"],
    ["Prod", "datalake_prod"],
    ["team-a.eu", "datalake_team_a_eu"],
  ];
  for (const [stack, expected] of cases) {
    it(`names the database of stack "${stack}" ${expected}`, () => {
      assert.strictEqual(defaultDatabaseName(stack), expected);
    });
  }
});

describe("resolveBatchSettings", () => {
  it("fills every default when only the required arguments are given", () => {
    assert.deepStrictEqual(resolveBatchSettings("b", "dev", { generatorRoleName: "r", ...NETWORK }), {
      databaseName: "datalake_dev",
      rawTransitionToIaDays: 30,
      rawTransitionToArchiveDays: 90,
      rawExpirationDays: 365,
      curatedExpirationDays: 730,
      athenaResultsExpirationDays: 7,
      noncurrentVersionExpirationDays: 30,
      accessLogExpirationDays: 90,
      firehoseBufferSeconds: 60,
      firehoseBufferMiB: 5,
      athenaBytesScannedCutoffMiB: 1024,
      logRetentionDays: 14,
      forceDestroy: false,
      protect: false,
      warehouse: { ...NETWORK, baseCapacityRpu: 8, adminUsername: "admin", databaseName: "dev" },
      quicksightPrincipalArn: undefined,
    });
  });

  it("keeps the given values instead of the defaults", () => {
    const args: BatchLayerArgs = {
      generatorRoleName: "r",
      ...NETWORK,
      databaseName: "lake",
      rawExpirationDays: 400,
      emptyBucketsOnDestroy: true,
      protectStatefulResources: true,
      warehouseBaseCapacityRpu: 32,
      warehouseAdminUsername: "root",
      warehouseDatabaseName: "analytics",
      quicksightPrincipalArn: "arn:aws:quicksight:ap-northeast-1:123456789012:user/default/analyst",
    };
    const s = resolveBatchSettings("b", "prod", args);
    assert.deepStrictEqual(
      [s.databaseName, s.rawExpirationDays, s.forceDestroy, s.protect, s.quicksightPrincipalArn],
      ["lake", 400, true, true, args.quicksightPrincipalArn],
    );
    assert.deepStrictEqual(s.warehouse, {
      ...NETWORK,
      baseCapacityRpu: 32,
      adminUsername: "root",
      databaseName: "analytics",
    });
  });

  it("leaves the warehouse out, and checks none of its values, when it is disabled", () => {
    const s = resolveBatchSettings("b", "dev", {
      generatorRoleName: "r",
      enableWarehouse: false,
      warehouseBaseCapacityRpu: 12,
    });
    assert.strictEqual(s.warehouse, undefined);
  });

  it("names the layer, the argument and the value when it rejects one", () => {
    assert.throws(
      () => resolveBatchSettings("lake", "dev", { generatorRoleName: "r", ...NETWORK, logRetentionDays: 0 }),
      {
        message: "BatchLayer lake: logRetentionDays is 0; use a whole number from 1 to 3653.",
      },
    );
  });

  it("lists every missing network value of an enabled warehouse", () => {
    assert.throws(() => resolveBatchSettings("lake", "dev", { generatorRoleName: "r" }), {
      message:
        "BatchLayer lake: enableWarehouse is true but vpcId, subnetIds, vpcCidrBlock is not set; pass the network's values or set enableWarehouse to false.",
    });
  });
});
