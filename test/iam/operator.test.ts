/**
 * The operator's policy that `npm run verify -- <stack> --print-policy --etl` prints, proven like
 * the stack's own principals: every call verify makes, on the rendered graph's real ARNs, is
 * allowed by that policy together with the graph's bucket and key policies, and calls outside
 * verify's path are denied. The deployer's extra policy (`--print-deployer-policy`) is checked the
 * same way on the OpenSearch service-linked role.
 */
import * as assert from "assert";
import { Graph, PolicyDoc } from "./helpers/graph";
import { renderedStack } from "../helpers/renderedStacks";
import { Call, Decision, decide } from "./helpers/simulate";
import { policyFromOutputs } from "../../tools/verify/main";
import { ATHENA_RESULTS_PREFIX } from "../../components/batch/athena";

interface Case {
  readonly why: string;
  readonly action: string;
  readonly resource: string;
  readonly expect: Decision | "Denied";
  readonly resourcePolicy?: PolicyDoc;
  readonly context?: Record<string, string>;
}

for (const stack of ["dev", "prod"] as const) {
  describe(`IAM proven: ${stack} operator running verify --etl, and the deployer's extras`, function () {
    this.timeout(300_000);
    let g: Graph;
    let o: Record<string, string>;

    before(async () => {
      g = new Graph(stack, (await renderedStack(stack)).state);
      o = g.outputs as Record<string, string>;
    });

    async function check(policy: PolicyDoc, principal: string, cases: Case[]): Promise<void> {
      const wrong: string[] = [];
      for (const c of cases) {
        const call: Call = {
          principal,
          action: c.action,
          resource: c.resource,
          resourceAccount: g.account,
          context: {
            "aws:PrincipalArn": principal,
            "aws:PrincipalAccount": g.account,
            "aws:SecureTransport": "true",
            ...c.context,
          },
        };
        const got = await decide(call, {
          identity: [{ name: "printed", policy }],
          ...(c.resourcePolicy ? { resourcePolicy: c.resourcePolicy } : {}),
        });
        const ok = c.expect === "Denied" ? got !== "Allowed" : got === c.expect;
        if (!ok) wrong.push(`${c.why}: ${c.action} on ${c.resource} → ${got}, expected ${c.expect}`);
      }
      assert.deepStrictEqual(wrong, []);
    }

    it("allows every call of verify --etl, Athena's results under the lake key included, and nothing else", async () => {
      const policy = (await policyFromOutputs("operator", o, "graph", true)) as PolicyDoc;
      const p = `arn:aws`;
      const r = g.region;
      const a = g.account;
      const raw = o.rawBucketName;
      const curated = o.curatedBucketName;
      const results = o.athenaResultsBucketName;
      const lakeKey = g.keyPolicy(o.lakeKeyArn);
      const viaS3 = (bucket: string) => ({
        "kms:ViaService": `s3.${r}.amazonaws.com`,
        "kms:CallerAccount": a,
        "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}`,
      });
      const object = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
      const resultKey = `${ATHENA_RESULTS_PREFIX}0f7c-query.csv`;
      await check(policy, `arn:aws:iam::${a}:role/operator`, [
        {
          why: "write the line",
          action: "ssm:SendCommand",
          resource: `${p}:ec2:${r}:${a}:instance/${o.generatorInstanceId}`,
          expect: "Allowed",
        },
        {
          why: "with AWS-RunShellScript",
          action: "ssm:SendCommand",
          // The simulator needs an account in the ARN; AWS sends none for its own documents, which the
          // policy's `*` account also matches.
          resource: `${p}:ssm:${r}:${a}:document/AWS-RunShellScript`,
          expect: "Allowed",
        },
        {
          why: "not on another instance",
          action: "ssm:SendCommand",
          resource: `${p}:ec2:${r}:${a}:instance/i-0000000000000000f`,
          expect: "Denied",
        },
        { why: "command result", action: "ssm:GetCommandInvocation", resource: "*", expect: "Allowed" },
        {
          why: "find the line",
          action: "logs:FilterLogEvents",
          resource: `${p}:logs:${r}:${a}:log-group:${o.appLogGroupName}`,
          expect: "Allowed",
        },
        {
          why: "no other log group",
          action: "logs:FilterLogEvents",
          resource: `${p}:logs:${r}:${a}:log-group:/aws/lambda/other`,
          expect: "Denied",
        },
        {
          why: "the probe",
          action: "lambda:InvokeFunction",
          resource: `${p}:lambda:${r}:${a}:function:${o.opensearchProbeFunctionName}`,
          expect: "Allowed",
        },
        {
          why: "not the forwarder",
          action: "lambda:InvokeFunction",
          resource: g.arnOf("aws:lambda/function:Function", "speed-forwarder"),
          expect: "Denied",
        },
        {
          why: "list the raw bucket",
          action: "s3:ListBucket",
          resource: `arn:aws:s3:::${raw}`,
          expect: "Allowed",
          resourcePolicy: g.bucketPolicy(raw),
        },
        {
          why: "read a raw object",
          action: "s3:GetObject",
          resource: object(raw, "app_logs/dt=2026-01-01/hour=0/x.gz"),
          expect: "Allowed",
          resourcePolicy: g.bucketPolicy(raw),
        },
        {
          why: "no writes to the lake",
          action: "s3:PutObject",
          resource: object(raw, "app_logs/x.gz"),
          expect: "Denied",
          resourcePolicy: g.bucketPolicy(raw),
        },
        {
          why: "Athena reads a curated object",
          action: "s3:GetObject",
          resource: object(curated, "app_logs/dt=2026-01-01/hour=0/part-0.parquet"),
          expect: "Allowed",
          resourcePolicy: g.bucketPolicy(curated),
        },
        {
          why: "decrypt the lake's objects",
          action: "kms:Decrypt",
          resource: o.lakeKeyArn,
          expect: "Allowed",
          resourcePolicy: lakeKey,
          context: viaS3(raw),
        },
        {
          why: "start a query",
          action: "athena:StartQueryExecution",
          resource: `${p}:athena:${r}:${a}:workgroup/${o.athenaWorkgroupName}`,
          expect: "Allowed",
        },
        {
          why: "poll it",
          action: "athena:GetQueryExecution",
          resource: `${p}:athena:${r}:${a}:workgroup/${o.athenaWorkgroupName}`,
          expect: "Allowed",
        },
        {
          why: "read its rows",
          action: "athena:GetQueryResults",
          resource: `${p}:athena:${r}:${a}:workgroup/${o.athenaWorkgroupName}`,
          expect: "Allowed",
        },
        {
          why: "not the primary workgroup",
          action: "athena:StartQueryExecution",
          resource: `${p}:athena:${r}:${a}:workgroup/primary`,
          expect: "Denied",
        },
        {
          why: "the raw table",
          action: "glue:GetTable",
          resource: `${p}:glue:${r}:${a}:table/${o.glueDatabaseName}/${o.rawTableName}`,
          expect: "Allowed",
        },
        {
          why: "the curated table",
          action: "glue:GetTable",
          resource: `${p}:glue:${r}:${a}:table/${o.glueDatabaseName}/${o.curatedTableName}`,
          expect: "Allowed",
        },
        {
          why: "the database",
          action: "glue:GetDatabase",
          resource: `${p}:glue:${r}:${a}:database/${o.glueDatabaseName}`,
          expect: "Allowed",
        },
        {
          why: "no table changes",
          action: "glue:UpdateTable",
          resource: `${p}:glue:${r}:${a}:table/${o.glueDatabaseName}/${o.rawTableName}`,
          expect: "Denied",
        },
        // What the permissions docs/verify.md listed lacked: Athena writes the results with the
        // caller's credentials, SSE-KMS under the lake key.
        {
          why: "Athena writes the results",
          action: "s3:PutObject",
          resource: object(results, resultKey),
          expect: "Allowed",
          resourcePolicy: g.bucketPolicy(results),
        },
        {
          why: "Athena reads the results",
          action: "s3:GetObject",
          resource: object(results, resultKey),
          expect: "Allowed",
          resourcePolicy: g.bucketPolicy(results),
        },
        {
          why: "Athena checks the results bucket",
          action: "s3:GetBucketLocation",
          resource: `arn:aws:s3:::${results}`,
          expect: "Allowed",
          resourcePolicy: g.bucketPolicy(results),
        },
        {
          why: "results encrypted with the lake key",
          action: "kms:GenerateDataKey",
          resource: o.lakeKeyArn,
          expect: "Allowed",
          resourcePolicy: lakeKey,
          context: viaS3(results),
        },
        {
          why: "not the lake key outside S3",
          action: "kms:GenerateDataKey",
          resource: o.lakeKeyArn,
          expect: "Denied",
          resourcePolicy: lakeKey,
          context: { "kms:CallerAccount": a },
        },
        {
          why: "run the Glue job",
          action: "glue:StartJobRun",
          resource: `${p}:glue:${r}:${a}:job/${o.etlJobName}`,
          expect: "Allowed",
        },
        {
          why: "follow its run",
          action: "glue:GetJobRun",
          resource: `${p}:glue:${r}:${a}:job/${o.etlJobName}`,
          expect: "Allowed",
        },
        {
          why: "no job changes",
          action: "glue:UpdateJob",
          resource: `${p}:glue:${r}:${a}:job/${o.etlJobName}`,
          expect: "Denied",
        },
      ]);
    });

    it("without --etl, the Glue job and the curated table stay out of the policy", async () => {
      const policy = (await policyFromOutputs("operator", o, "graph", false)) as PolicyDoc;
      const text = JSON.stringify(policy);
      assert.ok(!text.includes("glue:StartJobRun") && !text.includes(o.curatedTableName), text);
    });

    it("the deployer's extras: look up, create and tag the OpenSearch service-linked role, and only it", async () => {
      const policy = (await policyFromOutputs("deployer", o, "graph", false)) as PolicyDoc;
      const a = g.account;
      const role = `arn:aws:iam::${a}:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService`;
      await check(policy, `arn:aws:iam::${a}:role/deployer`, [
        { why: "find the role by path", action: "iam:ListRoles", resource: "*", expect: "Allowed" },
        { why: "read its tags", action: "iam:GetRole", resource: role, expect: "Allowed" },
        { why: "tag it with its owner stack", action: "iam:TagRole", resource: role, expect: "Allowed" },
        {
          why: "create it",
          action: "iam:CreateServiceLinkedRole",
          resource: role,
          expect: "Allowed",
          context: { "iam:AWSServiceName": "opensearchservice.amazonaws.com" },
        },
        {
          why: "not another service's role",
          action: "iam:CreateServiceLinkedRole",
          resource: role,
          expect: "Denied",
          context: { "iam:AWSServiceName": "elasticmapreduce.amazonaws.com" },
        },
        {
          why: "not another role",
          action: "iam:TagRole",
          resource: `arn:aws:iam::${a}:role/admin`,
          expect: "Denied",
        },
      ]);
    });
  });
}
