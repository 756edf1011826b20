/** Destroy and re-create (docs/teardown.md): the Athena workgroup must not block `pulumi destroy`. */
import * as assert from "assert";
import { BatchLayer } from "../../../components/batch";
import { mockSession, unwrap } from "../../helpers/mocks";

describe("BatchLayer destroy", function () {
  this.timeout(60_000);

  for (const protect of [false, true]) {
    it(`deletes the Athena workgroup with its query history (protectStatefulResources ${protect})`, async () => {
      const session = await mockSession();
      const layer = new BatchLayer("batch", {
        generatorRoleName: "generator-role",
        vpcId: "vpc-0123456789abcdef0",
        subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
        vpcCidrBlock: "10.10.0.0/16",
        emptyBucketsOnDestroy: false,
        protectStatefulResources: protect,
      });
      await unwrap(layer.workgroupName);
      await session.settle();
      const workgroup = session.named("batch-workgroup");
      assert.deepStrictEqual([workgroup.inputs.forceDestroy, workgroup.protect], [true, undefined]);
    });
  }
});
