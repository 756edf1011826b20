/**
 * The IAM policies that `npm run verify` and a deployment need, generated from the stack's outputs
 * so that they name exactly this stack's resources: what the operator who runs verify needs (every
 * call verify makes, hop by hop), and what the deployer needs beyond the permissions of the
 * resources it creates (the OpenSearch service-linked role). `npm run verify -- <stack>
 * --print-policy` and `--print-deployer-policy` print them; test/iam/operator.test.ts proves them
 * against the rendered stacks' resource policies.
 */
import {
  OPENSEARCH_SERVICE,
  SERVICE_LINKED_ROLE_NAME,
  SERVICE_LINKED_ROLE_PATH,
} from "../../components/speed/serviceLinkedRole";
import { PolicyDocument, PolicyStatement, policyDocument } from "../../components/shared/iam";
import { UsageError } from "../cli";
import { ETL_OUTPUTS, REQUIRED_OUTPUTS, parseOutputs } from "./outputs";
import { VERIFY_LOG_STREAM } from "./source";

/** Outputs the operator's policy names beyond those verify reads. */
export const POLICY_OUTPUTS = ["lakeKeyArn", "athenaResultsBucketName", "curatedBucketName"] as const;

type Name =
  (typeof REQUIRED_OUTPUTS)[number] | (typeof ETL_OUTPUTS)[number] | (typeof POLICY_OUTPUTS)[number];
export type PolicyOutputs = Readonly<Record<Name, string>> & {
  /** The generator's instance, when the stack has one (verify writes its line there). */
  readonly generatorInstanceId?: string;
  /** The subscribed log groups; without a generator verify writes into the first. */
  readonly sourceLogGroupNames: readonly string[];
};

/** Partition, region and account of the stack, from the alarm topic's ARN. */
export function whereOf(alarmTopicArn: string): { partition: string; region: string; account: string } {
  const m = /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):/.exec(alarmTopicArn);
  if (!m) throw new UsageError(`The output alarmTopicArn "${alarmTopicArn}" is not an SNS topic ARN.`);
  return { partition: m[1], region: m[2], account: m[3] };
}

/** Checks that the raw outputs hold every name the operator's policy needs. */
export function policyOutputs(raw: Record<string, unknown>, source: string, etl: boolean): PolicyOutputs {
  const names: Name[] = [...REQUIRED_OUTPUTS, ...POLICY_OUTPUTS, ...(etl ? ETL_OUTPUTS : [])];
  const missing = names.filter((n) => typeof raw[n] !== "string" || raw[n] === "");
  if (missing.length > 0) {
    throw new UsageError(
      `The outputs in ${source} lack ${missing.join(", ")}; run pulumi up with this version of the program first.`,
    );
  }
  // The write path (generator or source log group) is read as verify reads it.
  const { generatorInstanceId, sourceLogGroupNames } = parseOutputs(raw, source, etl);
  const out: Record<string, unknown> = { generatorInstanceId, sourceLogGroupNames };
  for (const n of [...REQUIRED_OUTPUTS, ...POLICY_OUTPUTS, ...ETL_OUTPUTS])
    out[n] = typeof raw[n] === "string" ? raw[n] : "";
  return out as PolicyOutputs;
}

const bucketArn = (p: string, bucket: string) => `arn:${p}:s3:::${bucket}`;

/**
 * The operator's least-privilege policy for `npm run verify` (with `etl`, for `--etl` too).
 * Athena runs each query with the caller's credentials: it reads the tables' objects (S3 and the
 * lake key) and writes the results into the workgroup's results bucket, encrypted with the lake
 * key (SSE-KMS), so the caller needs the results bucket's S3 actions and kms:GenerateDataKey
 * ("Access to Amazon S3" and "Permissions to encrypted data in Amazon S3" in the Athena user guide,
 * https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html,
 * https://docs.aws.amazon.com/athena/latest/ug/encryption.html).
 */
export function operatorPolicy(o: PolicyOutputs, etl: boolean): PolicyDocument {
  const { partition: p, region: r, account: a } = whereOf(o.alarmTopicArn);
  const tables = [o.rawTableName, ...(etl ? [o.curatedTableName] : [])];
  const dataBuckets = [o.rawBucketName, ...(etl ? [o.curatedBucketName] : [])];
  // Without a generator verify writes its event into the first subscribed group and finds it there.
  const sourceGroup = o.generatorInstanceId === undefined ? o.sourceLogGroupNames[0] : undefined;
  const logGroupArn = `arn:${p}:logs:${r}:${a}:log-group:${sourceGroup ?? o.appLogGroupName}`;
  const write: PolicyStatement[] =
    sourceGroup === undefined
      ? [
          {
            Sid: "WriteTheMarkedLine",
            Effect: "Allow",
            Action: "ssm:SendCommand",
            Resource: [
              `arn:${p}:ec2:${r}:${a}:instance/${o.generatorInstanceId}`,
              // AWS-owned documents have no account in their ARN (arn:aws:ssm:<region>::document/...); the
              // wildcard matches that empty account and nothing but this AWS-owned name.
              `arn:${p}:ssm:${r}:*:document/AWS-RunShellScript`,
            ],
          },
          // GetCommandInvocation has no resource type: it is authorized on "*" only.
          { Sid: "ReadTheCommandResult", Effect: "Allow", Action: "ssm:GetCommandInvocation", Resource: "*" },
        ]
      : [
          {
            Sid: "WriteTheMarkedEvent",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${logGroupArn}:log-stream:${VERIFY_LOG_STREAM}`,
          },
        ];
  const statements: PolicyStatement[] = [
    ...write,
    {
      Sid: "FindTheLineInTheAppLogGroup",
      Effect: "Allow",
      Action: "logs:FilterLogEvents",
      Resource: logGroupArn,
    },
    {
      Sid: "SearchOpenSearchThroughTheProbe",
      Effect: "Allow",
      Action: "lambda:InvokeFunction",
      Resource: `arn:${p}:lambda:${r}:${a}:function:${o.opensearchProbeFunctionName}`,
    },
    {
      Sid: "ListTheLakeData",
      Effect: "Allow",
      Action: ["s3:ListBucket", "s3:GetBucketLocation"],
      Resource: dataBuckets.map((b) => bucketArn(p, b)),
    },
    {
      Sid: "ReadTheLakeData",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: dataBuckets.map((b) => `${bucketArn(p, b)}/*`),
    },
    {
      Sid: "RunAthenaQueriesInTheWorkgroup",
      Effect: "Allow",
      Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
      Resource: `arn:${p}:athena:${r}:${a}:workgroup/${o.athenaWorkgroupName}`,
    },
    {
      Sid: "ReadTheTablesDefinitions",
      Effect: "Allow",
      Action: ["glue:GetDatabase", "glue:GetTable"],
      Resource: [
        `arn:${p}:glue:${r}:${a}:catalog`,
        `arn:${p}:glue:${r}:${a}:database/${o.glueDatabaseName}`,
        ...tables.map((t) => `arn:${p}:glue:${r}:${a}:table/${o.glueDatabaseName}/${t}`),
      ],
    },
    {
      Sid: "AthenaWritesAndReadsTheResults",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      Resource: bucketArn(p, o.athenaResultsBucketName),
    },
    {
      Sid: "AthenaWritesAndReadsTheResultObjects",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: `${bucketArn(p, o.athenaResultsBucketName)}/*`,
    },
    {
      Sid: "UseTheLakeKeyThroughS3",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: o.lakeKeyArn,
      // Only as S3 uses it on the caller's behalf (the lake's objects and Athena's results).
      Condition: { StringEquals: { "kms:ViaService": `s3.${r}.amazonaws.com` } },
    },
  ];
  if (etl) {
    statements.push({
      Sid: "RunTheGlueJob",
      Effect: "Allow",
      Action: ["glue:StartJobRun", "glue:GetJobRun"],
      Resource: `arn:${p}:glue:${r}:${a}:job/${o.etlJobName}`,
    });
  }
  return policyDocument(...statements);
}

/**
 * What the deployer needs beyond creating and managing the stack's own resources: the program
 * looks the OpenSearch service-linked role up (iam:ListRoles, iam:GetRole, components/speed/domain.ts)
 * and, where it creates the role, tags it with its owner stack (iam:CreateServiceLinkedRole,
 * iam:TagRole), all on that one role.
 */
export function deployerExtraPolicy(alarmTopicArn: string): PolicyDocument {
  const { partition: p, account: a } = whereOf(alarmTopicArn);
  const role = `arn:${p}:iam::${a}:role${SERVICE_LINKED_ROLE_PATH}${SERVICE_LINKED_ROLE_NAME}`;
  return policyDocument(
    // ListRoles has no resource type: it is authorized on "*" only.
    { Sid: "FindTheOpenSearchServiceLinkedRole", Effect: "Allow", Action: "iam:ListRoles", Resource: "*" },
    {
      Sid: "ReadAndTagTheOpenSearchServiceLinkedRole",
      Effect: "Allow",
      Action: ["iam:GetRole", "iam:TagRole"],
      Resource: role,
    },
    {
      Sid: "CreateTheOpenSearchServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: role,
      Condition: { StringEquals: { "iam:AWSServiceName": OPENSEARCH_SERVICE } },
    },
  );
}
