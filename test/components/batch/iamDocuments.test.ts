import * as assert from "assert";
import {
  KEY_ADMIN_ACTIONS,
  KEY_USE_ACTIONS,
  firehoseDeliveryPolicy,
  generatorFirehosePolicy,
  lakeKeyPolicy,
  spectrumPolicy,
} from "../../../components/batch/iamDocuments";
import { toJson } from "../../../components/shared/iam";
import { PolicyDocument } from "../../../components/shared/iam";
import { unwrap } from "../../helpers/mocks";

const ACCOUNT = "123456789012";
const REGION = "ap-northeast-1";
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k`;
const RAW = "arn:aws:s3:::raw-bucket";
const CURATED = "arn:aws:s3:::curated-bucket";

async function resolved(doc: PolicyDocument): Promise<any> {
  return JSON.parse(await unwrap(toJson(doc)));
}

/** Every action of every Allow statement, for the wildcard checks. */
function allowedActions(doc: any): string[] {
  return doc.Statement.filter((s: any) => s.Effect === "Allow").flatMap((s: any) =>
    Array.isArray(s.Action) ? s.Action : [s.Action],
  );
}

describe("lakeKeyPolicy", () => {
  let doc: any;
  before(async () => {
    doc = await resolved(
      lakeKeyPolicy({
        partition: "aws",
        region: REGION,
        accountId: ACCOUNT,
        logGroupNamePatterns: ["/datalake/dev/*", "/aws-glue/*"],
        directUserRolePath: "/datalake/dev/lake-key-users/",
      }),
    );
  });

  it("gives key administration (not use) to the account root", () => {
    assert.deepStrictEqual(doc.Statement[0], {
      Sid: "KeyAdministrationByAccount",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: [...KEY_ADMIN_ACTIONS],
      Resource: "*",
    });
    for (const use of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"])
      assert.ok(!KEY_ADMIN_ACTIONS.includes(use as never), use);
    assert.ok(KEY_ADMIN_ACTIONS.includes("kms:PutKeyPolicy"), "the account can always fix the policy");
  });

  it("lets this account's principals use the key only through the lake's services", () => {
    assert.deepStrictEqual(doc.Statement[1], {
      Sid: "KeyUseThroughLakeServices",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: [...KEY_USE_ACTIONS],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:CallerAccount": ACCOUNT,
          "kms:ViaService": [
            `s3.${REGION}.amazonaws.com`,
            `glue.${REGION}.amazonaws.com`,
            `firehose.${REGION}.amazonaws.com`,
            `redshift.${REGION}.amazonaws.com`,
            `redshift-serverless.${REGION}.amazonaws.com`,
            `secretsmanager.${REGION}.amazonaws.com`,
          ],
        },
      },
    });
  });

  it("allows grants only for AWS resources of those services", () => {
    assert.deepStrictEqual(doc.Statement[2].Action, ["kms:CreateGrant"]);
    assert.deepStrictEqual(doc.Statement[2].Condition.Bool, { "kms:GrantIsForAWSResource": "true" });
    assert.deepStrictEqual(doc.Statement[2].Condition.StringEquals, doc.Statement[1].Condition.StringEquals);
  });

  it("lets roles under the lake's IAM path (the Glue job) use the key directly, for client-side encryption", () => {
    assert.deepStrictEqual(doc.Statement[3], {
      Sid: "DirectUseByLakeKeyUserRoles",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": ACCOUNT },
        ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/datalake/dev/lake-key-users/*` },
      },
    });
  });

  it("lets CloudWatch Logs use the key only for this stack's and Glue's log groups", () => {
    assert.deepStrictEqual(doc.Statement[4], {
      Sid: "CloudWatchLogsForLakeLogGroups",
      Effect: "Allow",
      Principal: { Service: `logs.${REGION}.amazonaws.com` },
      Action: [...KEY_USE_ACTIONS],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": [
            `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/datalake/dev/*`,
            `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws-glue/*`,
          ],
        },
      },
    });
    assert.strictEqual(doc.Statement.length, 5);
  });

  it("has no wildcard action", () => {
    for (const a of allowedActions(doc)) assert.ok(!a.includes("*"), a);
  });
});

describe("firehoseDeliveryPolicy", () => {
  it("writes only the raw and error prefixes, uses the key through S3 and logs to its own stream", async () => {
    const stream = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/datalake/dev/firehose/batch:log-stream:S3Delivery`;
    const doc = await resolved(
      firehoseDeliveryPolicy({ rawBucketArn: RAW, keyArn: KEY, region: REGION, logStreamArn: stream }),
    );
    assert.deepStrictEqual(doc.Statement, [
      {
        Sid: "RawBucket",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
        Resource: RAW,
      },
      {
        Sid: "RawObjects",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        Resource: [`${RAW}/app_logs/*`, `${RAW}/errors/app_logs/*`],
      },
      {
        Sid: "LakeKeyViaS3",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: KEY,
        Condition: {
          StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [RAW, `${RAW}/*`] },
        },
      },
      { Sid: "DeliveryLog", Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: stream },
    ]);
    for (const a of allowedActions(doc)) assert.ok(!a.includes("*"), a);
  });
});

describe("generatorFirehosePolicy", () => {
  it("allows only PutRecord and PutRecordBatch on the stream", async () => {
    const arn = `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/s`;
    assert.deepStrictEqual(await resolved(generatorFirehosePolicy(arn)), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "PutAppLogRecords",
          Effect: "Allow",
          Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
          Resource: arn,
        },
      ],
    });
  });
});

describe("spectrumPolicy", () => {
  let doc: any;
  before(async () => {
    doc = await resolved(
      spectrumPolicy({
        partition: "aws",
        region: REGION,
        accountId: ACCOUNT,
        rawBucketArn: RAW,
        curatedBucketArn: CURATED,
        keyArn: KEY,
        databaseName: "datalake_dev",
      }),
    );
  });

  it("lists and reads exactly the lake prefixes", () => {
    assert.deepStrictEqual(doc.Statement[0], {
      Sid: "ListLakePrefixes",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: [RAW, CURATED],
      Condition: { StringLike: { "s3:prefix": ["app_logs/", "app_logs/*"] } },
    });
    assert.deepStrictEqual(doc.Statement[2], {
      Sid: "ReadLakeObjects",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [`${RAW}/app_logs/*`, `${CURATED}/app_logs/*`],
    });
  });

  it("reads the catalog of our database only and decrypts through S3 only", () => {
    assert.deepStrictEqual(doc.Statement[3].Resource, [
      `arn:aws:glue:${REGION}:${ACCOUNT}:catalog`,
      `arn:aws:glue:${REGION}:${ACCOUNT}:database/datalake_dev`,
      `arn:aws:glue:${REGION}:${ACCOUNT}:table/datalake_dev/*`,
    ]);
    for (const a of doc.Statement[3].Action) assert.ok(/^glue:(Get|BatchGet)/.test(a), a);
    assert.deepStrictEqual(doc.Statement[4], {
      Sid: "LakeKeyViaS3",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: KEY,
      Condition: { StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` } },
    });
  });

  it("has no wildcard action and no write action", () => {
    for (const a of allowedActions(doc)) {
      assert.ok(!a.includes("*"), a);
      assert.ok(!/Put|Delete|Create|Update/.test(a), a);
    }
  });
});
