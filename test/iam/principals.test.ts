/**
 * IAM proven, not only asserted: for each principal of the rendered dev and prod graphs, the exact
 * calls its software makes, on the graph's real resource ARNs, are allowed by the policies the
 * graph renders (identity, trust, key, bucket, domain and log resource policies, evaluated
 * together by @cloud-copilot/iam-simulate), and calls it must not make are denied.
 * Each call list cites the client's documentation or source it was taken from.
 */
import * as assert from "assert";
import { Graph, PolicyDoc, Role } from "./helpers/graph";
import { renderedStack } from "../helpers/renderedStacks";
import { Call, Decision, Policies, decide } from "./helpers/simulate";

interface Case {
  readonly why: string;
  readonly call: Call;
  readonly policies: Policies;
  readonly expect: Decision | "Denied";
}

/** Runs every case and compares all decisions at once, so a failure lists each wrong one. */
async function check(cases: Case[]): Promise<void> {
  const wrong: string[] = [];
  for (const c of cases) {
    const got = await decide(c.call, c.policies);
    const ok = c.expect === "Denied" ? got !== "Allowed" : got === c.expect;
    if (!ok) wrong.push(`${c.why}: ${c.call.action} on ${c.call.resource} → ${got}, expected ${c.expect}`);
  }
  assert.deepStrictEqual(wrong, []);
}

/** The request context every signed call over TLS carries (filled by hand: iam-simulate does not). */
function signed(role: Role, graph: Graph, extra: Record<string, string | string[]> = {}) {
  return {
    "aws:PrincipalArn": role.arn,
    "aws:PrincipalAccount": graph.account,
    "aws:SecureTransport": "true",
    ...extra,
  };
}

function asRole(role: Role, graph: Graph, resourcePolicy?: PolicyDoc) {
  return (why: string, action: string, resource: string, expect: Case["expect"], context = {}): Case => ({
    why,
    call: {
      principal: role.arn,
      action,
      resource,
      resourceAccount: graph.account,
      context: signed(role, graph, context),
    },
    policies: { identity: role.policies, ...(resourcePolicy ? { resourcePolicy } : {}) },
    expect,
  });
}

/** Firehose's S3 object key for a record: the prefix's namespaces evaluated for one hour. */
function expandFirehosePrefix(prefix: string): string {
  return prefix
    .replace(/!\{timestamp:yyyy-MM-dd\}/g, "2026-01-01")
    .replace(/!\{timestamp:HH\}/g, "00")
    .replace(/!\{firehose:error-output-type\}/g, "processing-failed");
}

function s3Path(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!m) throw new Error(`${uri} is not an s3:// URI`);
  return { bucket: m[1], key: m[2] };
}

const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;

for (const stack of ["dev", "prod"] as const) {
  describe(`IAM proven: ${stack} principals make their calls, and only those`, () => {
    let g: Graph;
    let region: string;
    let account: string;
    let speedKey: string;
    let lakeKey: string;
    let rawBucket: string;
    let curatedBucket: string;
    let domainArn: string;

    before(async () => {
      g = new Graph(stack, (await renderedStack(stack)).state);
      region = g.region;
      account = g.account;
      lakeKey = String(g.outputs.lakeKeyArn);
      speedKey = String(g.prop(g.named("aws:cloudwatch/logGroup:LogGroup", "speed-app-logs"), "kmsKeyId"));
      rawBucket = String(g.outputs.rawBucketName);
      curatedBucket = String(g.outputs.curatedBucketName);
      domainArn = g.arnOf("aws:opensearch/domain:Domain", "speed-domain");
    });

    it("every role can be assumed by exactly the service that runs it", async () => {
      const trust: [string, string[]][] = [
        ["network-generator-role", ["ec2.amazonaws.com"]],
        ["batch-firehose-role", ["firehose.amazonaws.com"]],
        ["speed-forwarder-role", ["lambda.amazonaws.com"]],
        ["speed-bootstrap-role", ["lambda.amazonaws.com"]],
        ["etl-job-role", ["glue.amazonaws.com"]],
        ["batch-spectrum-role", ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]],
      ];
      const cases: Case[] = [];
      for (const [logical, services] of trust) {
        const role = g.role(logical);
        // Firehose passes the account id as sts:ExternalId when it assumes the delivery role
        // (Firehose developer guide, "Grant Firehose access to an Amazon S3 destination").
        const context: Record<string, string> =
          logical === "batch-firehose-role" ? { "sts:ExternalId": account } : {};
        for (const service of services) {
          cases.push({
            why: `${service} assumes ${logical}`,
            call: { principal: service, action: "sts:AssumeRole", resource: role.arn, context },
            policies: { resourcePolicy: role.trust },
            expect: "Allowed",
          });
        }
        const stranger = services.includes("lambda.amazonaws.com")
          ? "ec2.amazonaws.com"
          : "lambda.amazonaws.com";
        cases.push({
          why: `${stranger} cannot assume ${logical}`,
          call: { principal: stranger, action: "sts:AssumeRole", resource: role.arn, context },
          policies: { resourcePolicy: role.trust },
          expect: "Denied",
        });
      }
      const firehoseRole = g.role("batch-firehose-role");
      cases.push({
        why: "Firehose of another account (another external id) cannot assume the delivery role",
        call: {
          principal: "firehose.amazonaws.com",
          action: "sts:AssumeRole",
          resource: firehoseRole.arn,
          context: { "sts:ExternalId": "999999999999" },
        },
        policies: { resourcePolicy: firehoseRole.trust },
        expect: "Denied",
      });
      await check(cases);
    });

    it("the generator: each fluentd output's calls and the SSM agent's", async () => {
      const role = g.role("network-generator-role");
      const as = asRole(role, g);
      const asOnDomain = asRole(
        role,
        g,
        g.doc(g.named("aws:opensearch/domain:Domain", "speed-domain"), "accessPolicies"),
      );
      const streamArn = g.arnOf(
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        "batch-firehose",
      );
      const appGroup = g.arnOf("aws:cloudwatch/logGroup:LogGroup", "speed-app-logs");
      const otherGroup = g.arnOf("aws:cloudwatch/logGroup:LogGroup", "speed-forwarder-logs");
      const parameterName = String(g.outputs.agentConfigParameter);
      const parameterArn = `arn:aws:ssm:${region}:${account}:parameter${parameterName}`;
      const documentArn = `arn:aws:ssm:${region}:${account}:document/${g.prop(g.ofType("aws:ssm/document:Document")[0], "name")}`;
      const instanceArn = `arn:aws:ec2:${region}:${account}:instance/${g.outputs.generatorInstanceId}`;
      await check([
        // out_kinesis_firehose#write calls client.put_record_batch (aws-fluent-plugin-kinesis
        // lib/fluent/plugin/out_kinesis_firehose.rb); it never describes the stream.
        as("fluent-plugin-kinesis PutRecordBatch", "firehose:PutRecordBatch", streamArn, "Allowed"),
        as(
          "not another stream",
          "firehose:PutRecordBatch",
          streamArn.replace(/[^/]+$/, "other-stream"),
          "Denied",
        ),
        as("no stream administration", "firehose:DeleteDeliveryStream", streamArn, "Denied"),
        // out_cloudwatch_logs.rb (fluent-plugin-cloudwatch-logs 0.15.0): describe_log_groups with
        // the group name as prefix (check_log_group_existence), describe_log_streams
        // (find_log_stream), create_log_stream (auto_create_stream), put_log_events.
        as("fluent-plugin-cloudwatch-logs DescribeLogGroups", "logs:DescribeLogGroups", "*", "Allowed"),
        as("DescribeLogStreams", "logs:DescribeLogStreams", appGroup, "Allowed"),
        as(
          "CreateLogStream",
          "logs:CreateLogStream",
          `${appGroup}:log-stream:ip-10-0-1-23.ec2.internal`,
          "Allowed",
        ),
        as(
          "PutLogEvents",
          "logs:PutLogEvents",
          `${appGroup}:log-stream:ip-10-0-1-23.ec2.internal`,
          "Allowed",
        ),
        as("no write to another group", "logs:PutLogEvents", `${otherGroup}:log-stream:x`, "Denied"),
        as("no group creation (the stack owns it)", "logs:CreateLogGroup", appGroup, "Denied"),
        // out_opensearch.rb: GET / at start (detect_os_major_version, verify_os_version_at_startup
        // true by default), then POST /_bulk for each chunk, SigV4-signed through <endpoint>.
        asOnDomain("fluent-plugin-opensearch version check", "es:ESHttpGet", `${domainArn}/`, "Allowed"),
        asOnDomain("fluent-plugin-opensearch _bulk", "es:ESHttpPost", `${domainArn}/_bulk`, "Allowed"),
        asOnDomain("no domain configuration", "es:UpdateDomainConfig", domainArn, "Denied"),
        // The SSM agent's calls (AWS managed policy AmazonSSMManagedInstanceCore, "Step 1:
        // Configure instance permissions for Systems Manager"): registration, Session Manager
        // channels, association polling and status, and the command document's GetParameter.
        as("SSM agent registers", "ssm:UpdateInstanceInformation", instanceArn, "Allowed"),
        as("SSM agent lists its associations", "ssm:ListInstanceAssociations", instanceArn, "Allowed"),
        as("SSM agent reads the apply document", "ssm:GetDocument", documentArn, "Allowed"),
        as(
          "SSM agent reports association status",
          "ssm:UpdateInstanceAssociationStatus",
          instanceArn,
          "Allowed",
        ),
        as("Session Manager control channel", "ssmmessages:CreateControlChannel", "*", "Allowed"),
        as("Session Manager data channel", "ssmmessages:OpenDataChannel", "*", "Allowed"),
        as("Run Command messages", "ec2messages:GetMessages", "*", "Allowed"),
        as("apply script: aws ssm get-parameter", "ssm:GetParameter", parameterArn, "Allowed"),
        as("no other parameter", "ssm:GetParameter", parameterArn.replace(/[^/]+$/, "other"), "Denied"),
        as("no parameter writes", "ssm:PutParameter", parameterArn, "Denied"),
      ]);
    });

    it("Firehose's delivery role: the S3 destination calls, its key use through S3, its error log", async () => {
      const role = g.role("batch-firehose-role");
      const stream = g.named("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "batch-firehose");
      const s3 = g.prop(stream, "extendedS3Configuration") as {
        prefix: string;
        errorOutputPrefix: string;
        cloudwatchLoggingOptions: { logGroupName: string; logStreamName: string };
      };
      const bucket = rawBucket;
      const as = asRole(role, g, g.bucketPolicy(bucket));
      const asKey = asRole(role, g, g.keyPolicy(lakeKey));
      const key = `${expandFirehosePrefix(s3.prefix)}batch-firehose-1-2026-01-01-00-00-00-abc.gz`;
      const errorKey = `${expandFirehosePrefix(s3.errorOutputPrefix)}batch-firehose-1-2026-01-01-00-00-00-abc`;
      const viaS3 = {
        "kms:ViaService": `s3.${region}.amazonaws.com`,
        "kms:CallerAccount": account,
        // S3 Bucket Keys are on, so S3 asks KMS with the bucket ARN as encryption context.
        "kms:EncryptionContext:aws:s3:arn": bucketArn(bucket),
      };
      const group = `arn:aws:logs:${region}:${account}:log-group:${s3.cloudwatchLoggingOptions.logGroupName}`;
      await check([
        // Firehose developer guide, "Grant Firehose access to an Amazon S3 destination": these S3
        // actions on the bucket and its objects, KMS through S3, and PutLogEvents for error logging.
        as("GetBucketLocation", "s3:GetBucketLocation", bucketArn(bucket), "Allowed"),
        as("ListBucket", "s3:ListBucket", bucketArn(bucket), "Allowed"),
        as("ListBucketMultipartUploads", "s3:ListBucketMultipartUploads", bucketArn(bucket), "Allowed"),
        as("PutObject under the prefix", "s3:PutObject", objectArn(bucket, key), "Allowed"),
        as("GetObject under the prefix", "s3:GetObject", objectArn(bucket, key), "Allowed"),
        as("AbortMultipartUpload", "s3:AbortMultipartUpload", objectArn(bucket, key), "Allowed"),
        as("PutObject under the error prefix", "s3:PutObject", objectArn(bucket, errorKey), "Allowed"),
        as("not outside its prefixes", "s3:PutObject", objectArn(bucket, "other/x.gz"), "Denied"),
        as("not the curated bucket", "s3:PutObject", objectArn(curatedBucket, key), "Denied"),
        as("no deletes", "s3:DeleteObject", objectArn(bucket, key), "Denied"),
        as("not without TLS", "s3:PutObject", objectArn(bucket, key), "ExplicitlyDenied", {
          "aws:SecureTransport": "false",
        }),
        asKey("GenerateDataKey through S3", "kms:GenerateDataKey", lakeKey, "Allowed", viaS3),
        asKey("Decrypt through S3", "kms:Decrypt", lakeKey, "Allowed", viaS3),
        asKey("not directly", "kms:Decrypt", lakeKey, "Denied", { "kms:CallerAccount": account }),
        asKey("not for another bucket", "kms:GenerateDataKey", lakeKey, "Denied", {
          ...viaS3,
          "kms:EncryptionContext:aws:s3:arn": bucketArn(curatedBucket),
        }),
        as(
          "error log PutLogEvents",
          "logs:PutLogEvents",
          `${group}:log-stream:${s3.cloudwatchLoggingOptions.logStreamName}`,
          "Allowed",
        ),
      ]);
    });

    it("the forwarder: its VPC ENIs, its logs, _bulk, and its on-failure destination", async () => {
      const role = g.role("speed-forwarder-role");
      const as = asRole(role, g);
      const asOnDomain = asRole(
        role,
        g,
        g.doc(g.named("aws:opensearch/domain:Domain", "speed-domain"), "accessPolicies"),
      );
      const asKey = asRole(role, g, g.keyPolicy(speedKey));
      const invokeConfig = g.ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")[0];
      const queue = (g.prop(invokeConfig, "destinationConfig") as { onFailure: { destination: string } })
        .onFailure.destination;
      assert.strictEqual(queue, g.arnOf("aws:sqs/queue:Queue", "speed-forwarder-dlq"));
      const group = g.arnOf("aws:cloudwatch/logGroup:LogGroup", "speed-forwarder-logs");
      const eni = `arn:aws:ec2:${region}:${account}:network-interface/eni-0123456789abcdef0`;
      const subnet = `arn:aws:ec2:${region}:${account}:subnet/subnet-0123456789abcdef0`;
      const viaSqs = { "kms:ViaService": `sqs.${region}.amazonaws.com`, "kms:CallerAccount": account };
      await check([
        // Lambda developer guide, "Giving Lambda functions access to resources in an Amazon VPC"
        // (AWSLambdaVPCAccessExecutionRole): the ENI calls Lambda makes with the execution role.
        as("CreateNetworkInterface", "ec2:CreateNetworkInterface", eni, "Allowed"),
        as("CreateNetworkInterface in the subnet", "ec2:CreateNetworkInterface", subnet, "Allowed"),
        as("DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfaces", "*", "Allowed"),
        as("DescribeSubnets", "ec2:DescribeSubnets", "*", "Allowed"),
        as("DeleteNetworkInterface", "ec2:DeleteNetworkInterface", eni, "Allowed"),
        as("AssignPrivateIpAddresses", "ec2:AssignPrivateIpAddresses", eni, "Allowed"),
        as("UnassignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", eni, "Allowed"),
        // Lambda runtime logging to the function's log group (AWSLambdaBasicExecutionRole).
        as(
          "CreateLogStream",
          "logs:CreateLogStream",
          `${group}:log-stream:2026/01/01/[$LATEST]abc`,
          "Allowed",
        ),
        as("PutLogEvents", "logs:PutLogEvents", `${group}:log-stream:2026/01/01/[$LATEST]abc`, "Allowed"),
        // components/speed/forwarder: POST /_bulk, SigV4-signed with the execution role.
        asOnDomain("_bulk", "es:ESHttpPost", `${domainArn}/_bulk`, "Allowed"),
        asOnDomain("no domain deletion", "es:DeleteDomain", domainArn, "Denied"),
        // Lambda developer guide, "Adding a destination": the on-failure record is sent with the
        // execution role (sqs:SendMessage); the queue is SSE-KMS, so the sender also needs
        // kms:GenerateDataKey and kms:Decrypt (SQS developer guide, "Key management").
        as("on-failure SendMessage", "sqs:SendMessage", queue, "Allowed"),
        asKey("queue key GenerateDataKey", "kms:GenerateDataKey", speedKey, "Allowed", viaSqs),
        asKey("queue key Decrypt", "kms:Decrypt", speedKey, "Allowed", viaSqs),
        as("never reads the queue", "sqs:ReceiveMessage", queue, "Denied"),
        as("no other queue", "sqs:SendMessage", queue.replace(/[^:]+$/, "other-queue"), "Denied"),
        as("not the lake key", "kms:Decrypt", lakeKey, "Denied"),
      ]);
    });

    it("the bootstrap: its VPC ENIs and its logs, nothing else", async () => {
      const role = g.role("speed-bootstrap-role");
      const as = asRole(role, g);
      const group = g.arnOf("aws:cloudwatch/logGroup:LogGroup", "speed-bootstrap-logs");
      const eni = `arn:aws:ec2:${region}:${account}:network-interface/eni-0123456789abcdef0`;
      await check([
        // Same Lambda VPC and logging calls as the forwarder; it authenticates to OpenSearch with
        // HTTP basic auth (the master user), so it signs no es: request.
        as("CreateNetworkInterface", "ec2:CreateNetworkInterface", eni, "Allowed"),
        as("DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfaces", "*", "Allowed"),
        as("DeleteNetworkInterface", "ec2:DeleteNetworkInterface", eni, "Allowed"),
        as("CreateLogStream", "logs:CreateLogStream", `${group}:log-stream:s`, "Allowed"),
        as("PutLogEvents", "logs:PutLogEvents", `${group}:log-stream:s`, "Allowed"),
        as("no queue", "sqs:SendMessage", g.arnOf("aws:sqs/queue:Queue", "speed-forwarder-dlq"), "Denied"),
        as("no lake data", "s3:GetObject", objectArn(rawBucket, "app_logs/x"), "Denied"),
      ]);
    });

    it("Redshift Spectrum: the catalog and the lake objects behind the external schema", async () => {
      const role = g.role("batch-spectrum-role");
      const asRaw = asRole(role, g, g.bucketPolicy(rawBucket));
      const asCurated = asRole(role, g, g.bucketPolicy(curatedBucket));
      const as = asRole(role, g);
      const asKey = asRole(role, g, g.keyPolicy(lakeKey));
      const db = String(g.outputs.glueDatabaseName);
      const catalog = `arn:aws:glue:${region}:${account}:catalog`;
      const database = `arn:aws:glue:${region}:${account}:database/${db}`;
      const table = `arn:aws:glue:${region}:${account}:table/${db}/${g.outputs.curatedTableName}`;
      const viaS3 = (bucket: string) => ({
        "kms:ViaService": `s3.${region}.amazonaws.com`,
        "kms:CallerAccount": account,
        "kms:EncryptionContext:aws:s3:arn": bucketArn(bucket),
      });
      await check([
        // Redshift management guide, "IAM policies for Amazon Redshift Spectrum": CREATE EXTERNAL
        // SCHEMA ... FROM DATA CATALOG reads the database; queries read tables and partitions
        // from the Glue Data Catalog, list and get the objects, and decrypt through S3.
        as("GetDatabase (catalog)", "glue:GetDatabase", catalog, "Allowed"),
        as("GetDatabase", "glue:GetDatabase", database, "Allowed"),
        as("GetTable", "glue:GetTable", table, "Allowed"),
        as("GetPartitions", "glue:GetPartitions", table, "Allowed"),
        as("no table changes", "glue:UpdateTable", table, "Denied"),
        asRaw("GetBucketLocation", "s3:GetBucketLocation", bucketArn(rawBucket), "Allowed"),
        asRaw("ListBucket app_logs/", "s3:ListBucket", bucketArn(rawBucket), "Allowed", {
          "s3:prefix": "app_logs/dt=2026-01-01/",
        }),
        asRaw(
          "GetObject raw",
          "s3:GetObject",
          objectArn(rawBucket, "app_logs/dt=2026-01-01/hour=00/x.gz"),
          "Allowed",
        ),
        asCurated(
          "GetObject curated",
          "s3:GetObject",
          objectArn(curatedBucket, "app_logs/dt=2026-01-01/hour=00/part-0.parquet"),
          "Allowed",
        ),
        asCurated(
          "not the job's code",
          "s3:GetObject",
          objectArn(curatedBucket, "glue/scripts/app_logs_to_parquet.py"),
          "Denied",
        ),
        asRaw("never writes", "s3:PutObject", objectArn(rawBucket, "app_logs/x"), "Denied"),
        asKey("Decrypt through S3", "kms:Decrypt", lakeKey, "Allowed", viaS3(rawBucket)),
        asKey("not directly", "kms:Decrypt", lakeKey, "Denied", { "kms:CallerAccount": account }),
      ]);
    });

    it("the Glue job: its S3 reads and writes, catalog, logs, metrics and key", async () => {
      const role = g.role("etl-job-role");
      const job = g.named("aws:glue/job:Job", "etl-job");
      const args = g.prop(job, "defaultArguments") as Record<string, string>;
      const command = g.prop(job, "command") as { scriptLocation: string };
      const raw = s3Path(args["--raw_path"]);
      const curated = s3Path(args["--curated_path"]);
      const quarantine = s3Path(args["--quarantine_path"]);
      const temp = s3Path(args["--TempDir"]);
      const script = s3Path(command.scriptLocation);
      const on = (bucket: string) => asRole(role, g, g.bucketPolicy(bucket));
      const as = asRole(role, g);
      const asKey = asRole(role, g, g.keyPolicy(lakeKey));
      const viaS3 = (bucket: string) => ({
        "kms:ViaService": `s3.${region}.amazonaws.com`,
        "kms:CallerAccount": account,
        "kms:EncryptionContext:aws:s3:arn": bucketArn(bucket),
      });
      const part = `${curated.key}dt=2026-01-01/hour=00/part-00000-abc.snappy.parquet`;
      const glueGroups = g
        .ofType("aws:cloudwatch/logGroup:LogGroup")
        .map((r) => String(g.prop(r, "name")))
        .filter((n) => n.startsWith("/aws-glue/jobs/"));
      assert.ok(glueGroups.length > 0, "the stack pre-creates the job's log groups");
      await check([
        // Glue reads its script and extra Python files from S3 with the job role.
        on(script.bucket)("script", "s3:GetObject", objectArn(script.bucket, script.key), "Allowed"),
        // create_dynamic_frame.from_options(s3, paths=[raw_path], recurse) lists the prefix and
        // gets each object (components/etl/jobs/app_logs_to_parquet.py).
        on(raw.bucket)("list raw", "s3:ListBucket", bucketArn(raw.bucket), "Allowed", {
          "s3:prefix": raw.key,
        }),
        on(raw.bucket)(
          "read raw",
          "s3:GetObject",
          objectArn(raw.bucket, `${raw.key}dt=2026-01-01/hour=00/x.gz`),
          "Allowed",
        ),
        on(raw.bucket)("never writes raw", "s3:PutObject", objectArn(raw.bucket, `${raw.key}x`), "Denied"),
        on(raw.bucket)(
          "never deletes raw",
          "s3:DeleteObject",
          objectArn(raw.bucket, `${raw.key}x`),
          "Denied",
        ),
        // DataFrame.write.parquet(curated_path): the output committer writes parts under the
        // prefix (and _temporary/ below it), then deletes the temporary objects.
        on(curated.bucket)("write a part", "s3:PutObject", objectArn(curated.bucket, part), "Allowed"),
        on(curated.bucket)(
          "committer temp",
          "s3:PutObject",
          objectArn(curated.bucket, `${curated.key}_temporary/0/x`),
          "Allowed",
        ),
        on(curated.bucket)(
          "committer cleanup",
          "s3:DeleteObject",
          objectArn(curated.bucket, `${curated.key}_temporary/0/x`),
          "Allowed",
        ),
        on(curated.bucket)("list curated", "s3:ListBucket", bucketArn(curated.bucket), "Allowed", {
          "s3:prefix": curated.key,
        }),
        on(quarantine.bucket)(
          "quarantine write",
          "s3:PutObject",
          objectArn(quarantine.bucket, `${quarantine.key}run=1/reason=unreadable_json/part-0.json.gz`),
          "Allowed",
        ),
        on(temp.bucket)("TempDir write", "s3:PutObject", objectArn(temp.bucket, `${temp.key}x`), "Allowed"),
        on(curated.bucket)(
          "not the job's own code",
          "s3:PutObject",
          objectArn(script.bucket, script.key),
          "Denied",
        ),
        on(curated.bucket)(
          "not without TLS",
          "s3:PutObject",
          objectArn(curated.bucket, part),
          "ExplicitlyDenied",
          {
            "aws:SecureTransport": "false",
          },
        ),
        // SSE-KMS objects through S3, and job bookmarks (CSE-KMS in the security configuration),
        // which Glue encrypts with the job role directly.
        asKey("GenerateDataKey through S3", "kms:GenerateDataKey", lakeKey, "Allowed", viaS3(curated.bucket)),
        asKey("Decrypt through S3", "kms:Decrypt", lakeKey, "Allowed", viaS3(raw.bucket)),
        asKey("bookmark encryption", "kms:GenerateDataKey", lakeKey, "Allowed", {
          "kms:CallerAccount": account,
        }),
        asKey("bookmark decryption", "kms:Decrypt", lakeKey, "Allowed", { "kms:CallerAccount": account }),
        asKey("no key administration", "kms:ScheduleKeyDeletion", lakeKey, "Denied"),
        // Glue writes the driver and executor logs to its groups and associates the security
        // configuration's key with them (Glue developer guide, "Encrypting data written by Glue").
        ...glueGroups.flatMap((name) => {
          const arn = `arn:aws:logs:${region}:${account}:log-group:${name}`;
          return [
            as(`CreateLogStream ${name}`, "logs:CreateLogStream", `${arn}:log-stream:jr_1`, "Allowed"),
            as(`PutLogEvents ${name}`, "logs:PutLogEvents", `${arn}:log-stream:jr_1`, "Allowed"),
            as(`AssociateKmsKey ${name}`, "logs:AssociateKmsKey", arn, "Allowed"),
          ];
        }),
        // --enable-metrics: the job publishes to the Glue namespace only.
        as("PutMetricData Glue", "cloudwatch:PutMetricData", "*", "Allowed", {
          "cloudwatch:namespace": "Glue",
        }),
        as("not another namespace", "cloudwatch:PutMetricData", "*", "Denied", {
          "cloudwatch:namespace": "Other",
        }),
      ]);
    });

    it("the Glue job: Spark's directory probes and Glue's _$folder$ markers beside its prefixes", async () => {
      // Hadoop's FileSystem.getFileStatus(path) HEADs the key without the slash before a write
      // (and for a read's input path), and Glue's S3 layer writes "<dir>_$folder$" markers beside
      // each directory it creates. These are keys beside the prefixes, not below them.
      const role = g.role("etl-job-role");
      const job = g.named("aws:glue/job:Job", "etl-job");
      const args = g.prop(job, "defaultArguments") as Record<string, string>;
      const on = (bucket: string) => asRole(role, g, g.bucketPolicy(bucket));
      const cases: Case[] = [];
      for (const arg of ["--raw_path", "--curated_path", "--quarantine_path", "--TempDir"]) {
        const { bucket, key } = s3Path(args[arg]);
        const dir = key.replace(/\/$/, "");
        cases.push(
          on(bucket)(`HEAD ${arg} without slash`, "s3:GetObject", objectArn(bucket, dir), "Allowed"),
        );
        if (arg !== "--raw_path") {
          cases.push(
            on(bucket)(
              `${arg} folder marker`,
              "s3:PutObject",
              objectArn(bucket, `${dir}_$folder$`),
              "Allowed",
            ),
          );
        }
      }
      const curated = s3Path(args["--curated_path"]);
      cases.push(
        on(curated.bucket)(
          "not a sibling prefix",
          "s3:PutObject",
          objectArn(curated.bucket, `${curated.key.replace(/\/$/, "")}_other/x`),
          "Denied",
        ),
      );
      await check(cases);
    });

    it("services that use our keys: CloudWatch Logs with its encryption context, alarms, S3 access logs, OpenSearch logs", async () => {
      const cases: Case[] = [];
      // CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS": the
      // service principal logs.<region>.amazonaws.com calls Encrypt, Decrypt and GenerateDataKey
      // with the encryption context kms:EncryptionContext:aws:logs:arn = the group ARN.
      for (const group of g.ofType("aws:cloudwatch/logGroup:LogGroup")) {
        const keyArn = g.prop(group, "kmsKeyId") as string | undefined;
        const name = String(g.prop(group, "name"));
        assert.ok(keyArn, `${name} is encrypted with a customer-managed key`);
        const arn = `arn:aws:logs:${region}:${account}:log-group:${name}`;
        for (const action of ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"]) {
          cases.push({
            why: `CloudWatch Logs uses the key of ${name}`,
            call: {
              principal: `logs.${region}.amazonaws.com`,
              action,
              resource: keyArn,
              context: { "kms:EncryptionContext:aws:logs:arn": arn },
            },
            policies: { resourcePolicy: g.keyPolicy(keyArn) },
            expect: "Allowed",
          });
        }
        cases.push({
          why: `CloudWatch Logs cannot use the key of ${name} for another account's group`,
          call: {
            principal: `logs.${region}.amazonaws.com`,
            action: "kms:Decrypt",
            resource: keyArn,
            context: { "kms:EncryptionContext:aws:logs:arn": arn.replace(`:${account}:`, ":999999999999:") },
          },
          policies: { resourcePolicy: g.keyPolicy(keyArn) },
          expect: "Denied",
        });
      }
      // SNS developer guide, "Enable compatibility between event sources from AWS services and
      // encrypted topics": CloudWatch needs kms:GenerateDataKey* and kms:Decrypt on the topic's key.
      const topicKey = String(g.prop(g.named("aws:sns/topic:Topic", "speed-alarm-topic"), "kmsMasterKeyId"));
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
        cases.push({
          why: "CloudWatch alarms publish to the encrypted topic",
          call: {
            principal: "cloudwatch.amazonaws.com",
            action,
            resource: topicKey,
            context: { "aws:SourceAccount": account },
          },
          policies: { resourcePolicy: g.keyPolicy(topicKey) },
          expect: "Allowed",
        });
      }
      cases.push({
        why: "another account's alarms cannot use the topic key",
        call: {
          principal: "cloudwatch.amazonaws.com",
          action: "kms:GenerateDataKey",
          resource: topicKey,
          context: { "aws:SourceAccount": "999999999999" },
        },
        policies: { resourcePolicy: g.keyPolicy(topicKey) },
        expect: "Denied",
      });
      // S3 user guide, "Permissions for log delivery": logging.s3.amazonaws.com PutObject into the
      // target bucket, confused-deputy-scoped by aws:SourceAccount.
      const logBucket = String(g.outputs.accessLogBucketName);
      const logKey = `${rawBucket}/2026-01-01-00-00-00-ABCDEF`;
      for (const [source, expect] of [
        [account, "Allowed"],
        ["999999999999", "Denied"],
      ] as const) {
        cases.push({
          why: `S3 server access logs from account ${source}`,
          call: {
            principal: "logging.s3.amazonaws.com",
            action: "s3:PutObject",
            resource: objectArn(logBucket, logKey),
            resourceAccount: account,
            context: { "aws:SourceAccount": source, "aws:SecureTransport": "true" },
          },
          policies: { resourcePolicy: g.bucketPolicy(logBucket) },
          expect,
        });
      }
      // OpenSearch Service developer guide, "Monitoring OpenSearch logs": es.amazonaws.com
      // CreateLogStream/PutLogEvents on the groups named in the resource policy.
      const logsPolicy = g.doc(
        g.ofType("aws:cloudwatch/logResourcePolicy:LogResourcePolicy")[0],
        "policyDocument",
      );
      for (const group of g
        .ofType("aws:cloudwatch/logGroup:LogGroup")
        .filter((r) => String(g.prop(r, "name")).includes("/opensearch/"))) {
        const stream = `arn:aws:logs:${region}:${account}:log-group:${g.prop(group, "name")}:log-stream:${domainArn.split("/").pop()}-es`;
        for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
          cases.push({
            why: `the domain publishes to ${g.prop(group, "name")}`,
            call: {
              principal: "es.amazonaws.com",
              action,
              resource: stream,
              context: { "aws:SourceAccount": account, "aws:SourceArn": domainArn },
            },
            policies: { resourcePolicy: logsPolicy },
            expect: "Allowed",
          });
        }
        cases.push({
          why: "another domain cannot publish there",
          call: {
            principal: "es.amazonaws.com",
            action: "logs:PutLogEvents",
            resource: stream,
            context: { "aws:SourceAccount": account, "aws:SourceArn": `${domainArn}-other` },
          },
          policies: { resourcePolicy: logsPolicy },
          expect: "Denied",
        });
      }
      // The subscription filter invokes the forwarder as logs.<region>.amazonaws.com; Lambda
      // turns each aws:lambda/permission into this function-policy statement (Lambda developer
      // guide, "Viewing resource-based IAM policies in Lambda").
      for (const permission of g.ofType("aws:lambda/permission:Permission")) {
        const p = (k: string) => String(g.prop(permission, k));
        const fn = g.ofType("aws:lambda/function:Function").find((f) => g.prop(f, "name") === p("function"));
        assert.ok(fn, `the permission's function ${p("function")} is in the graph`);
        const fnArn = String(g.prop(fn, "arn"));
        const functionPolicy: PolicyDoc = {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: p("principal") },
              Action: p("action"),
              Resource: fnArn,
              Condition: {
                StringEquals: { "AWS:SourceAccount": p("sourceAccount") },
                ArnLike: { "AWS:SourceArn": p("sourceArn") },
              },
            },
          ],
        };
        const filter = g
          .ofType("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")
          .find((f) => g.prop(f, "destinationArn") === fnArn);
        assert.ok(filter, "a subscription filter targets the function");
        const source = `arn:aws:logs:${region}:${account}:log-group:${g.prop(filter, "logGroup")}:*`;
        for (const [sourceArn, expect] of [
          [source, "Allowed"],
          [source.replace(/:\*$/, "-other:*"), "Denied"],
        ] as const) {
          cases.push({
            why: `CloudWatch Logs delivers a subscription batch from ${sourceArn}`,
            call: {
              principal: p("principal"),
              action: "lambda:InvokeFunction",
              resource: fnArn,
              context: { "aws:SourceAccount": account, "aws:SourceArn": sourceArn },
            },
            policies: { resourcePolicy: functionPolicy },
            expect,
          });
        }
      }
      // EventBridge (events.amazonaws.com) needs kms:GenerateDataKey and kms:Decrypt on the key of
      // an encrypted SNS or SQS target (EventBridge user guide, "Encrypting events"); every rule
      // target of the graph that is one of our encrypted topics or queues is checked.
      const encrypted = new Map<string, string>();
      for (const type of ["aws:sns/topic:Topic", "aws:sqs/queue:Queue"]) {
        for (const r of g.ofType(type))
          encrypted.set(String(g.prop(r, "arn")), String(g.prop(r, "kmsMasterKeyId")));
      }
      for (const target of g.ofType("aws:cloudwatch/eventTarget:EventTarget")) {
        const keyArn = encrypted.get(String(g.prop(target, "arn")));
        if (!keyArn) continue;
        for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
          cases.push({
            why: `EventBridge delivers to ${g.prop(target, "arn")}`,
            call: {
              principal: "events.amazonaws.com",
              action,
              resource: keyArn,
              context: { "aws:SourceAccount": account },
            },
            policies: { resourcePolicy: g.keyPolicy(keyArn) },
            expect: "Allowed",
          });
        }
      }
      await check(cases);
    });
  });
}
