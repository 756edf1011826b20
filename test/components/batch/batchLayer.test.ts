import * as assert from "assert";
import {
  BatchLayer,
  BatchLayerArgs,
  QUICKSIGHT_DATA_SET_ACTIONS,
  QUICKSIGHT_DATA_SOURCE_ACTIONS,
} from "../../../components/batch";
import {
  REGEX_SERDE,
  rawTableDefinition,
  rawUnpartitionedTableDefinition,
} from "../../../components/batch/catalog";
import type { EventSchema } from "../../../components/shared/schema";
import {
  projectedPartitionValues,
  evaluateFirehosePrefix,
  fillLocationTemplate,
} from "../../../components/batch/partitioning";
import { PARTITION_KEYS } from "../../../components/shared/lake";
import { json, mockSession, unwrap } from "../../helpers/mocks";

const COMPONENT = "datalake:batch:BatchLayer";
const QS_PRINCIPAL = "arn:aws:quicksight:ap-northeast-1:123456789012:user/default/analyst";
const NETWORK = {
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  vpcCidrBlock: "10.10.0.0/16",
};

function countByType(resources: readonly { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

/** Resources every BatchLayer has, whatever the switches. */
const CORE = {
  [COMPONENT]: 1,
  "datalake:shared:SecureBucket": 4,
  "aws:kms/key:Key": 1,
  "aws:kms/alias:Alias": 1,
  "aws:s3/bucket:Bucket": 4,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 4,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 4,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 4,
  "aws:s3/bucketVersioning:BucketVersioning": 4,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 4,
  "aws:s3/bucketPolicy:BucketPolicy": 4,
  "aws:s3/bucketLogging:BucketLogging": 3,
  "aws:cloudwatch/logGroup:LogGroup": 1,
  "aws:cloudwatch/logStream:LogStream": 1,
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": 1,
  "aws:glue/catalogDatabase:CatalogDatabase": 1,
  "aws:glue/catalogTable:CatalogTable": 2,
  "aws:athena/workgroup:Workgroup": 1,
  "aws:athena/namedQuery:NamedQuery": 4,
};

async function build(args: Partial<BatchLayerArgs> = {}) {
  const session = await mockSession();
  const layer = new BatchLayer("batch", { generatorRoleName: "generator-role", ...NETWORK, ...args });
  await unwrap(layer.firehoseStreamArn);
  await unwrap(layer.workgroupName);
  await session.settle();
  return { session, layer };
}

describe("BatchLayer", () => {
  describe("with defaults (warehouse on, no QuickSight)", () => {
    let session: Awaited<ReturnType<typeof mockSession>>;
    let layer: BatchLayer;

    before(async () => {
      ({ session, layer } = await build());
    });

    it("registers exactly the lake, Firehose, catalog, Athena and Redshift resources", () => {
      assert.deepStrictEqual(countByType(session.recorder.resources), {
        ...CORE,
        "aws:iam/role:Role": 2,
        "aws:iam/rolePolicy:RolePolicy": 3,
        "aws:ec2/securityGroup:SecurityGroup": 2,
        "aws:ec2/vpcEndpoint:VpcEndpoint": 1,
        "aws:redshiftserverless/namespace:Namespace": 1,
        "aws:redshiftserverless/workgroup:Workgroup": 1,
        "aws:redshiftdata/statement:Statement": 1,
      });
    });

    it("parents its direct children to the component", () => {
      const direct = [
        "batch-key",
        "batch-key-alias",
        "batch-firehose-logs",
        "batch-firehose-log-stream",
        "batch-firehose-role",
        "batch-firehose-delivery",
        "batch-firehose",
        "batch-generator-firehose",
        "batch-database",
        "batch-raw-table",
        "batch-raw-unpartitioned-table",
        "batch-workgroup",
        "batch-query-preview",
        "batch-query-count-by-level",
        "batch-query-errors-per-host",
        "batch-query-per-user-day",
        "batch-spectrum-role",
        "batch-spectrum-read",
        "batch-redshift-sg",
        "batch-glue-endpoint-sg",
        "batch-glue-endpoint",
        "batch-namespace",
        "batch-redshift-workgroup",
        "batch-spectrum-schema",
        "batch-access-logs",
        "batch-raw",
        "batch-curated",
        "batch-athena-results",
      ];
      for (const name of direct) {
        const r = session.named(name);
        assert.ok(r.parent?.endsWith(`${COMPONENT}::batch`), `${name} parent ${r.parent}`);
      }
      // A URN names only the immediate parent's type: the bucket sits in its SecureBucket, which sits in the layer.
      const rawBucket = session.named("batch-raw-bucket");
      assert.ok(
        rawBucket.urn.endsWith("datalake:shared:SecureBucket$aws:s3/bucket:Bucket::batch-raw-bucket"),
        rawBucket.urn,
      );
      assert.strictEqual(rawBucket.parent, session.named("batch-raw").urn);
      assert.ok(
        session.named("batch-raw").urn.endsWith(`${COMPONENT}$datalake:shared:SecureBucket::batch-raw`),
      );
    });

    it("creates a rotating key with the lake key policy", () => {
      const key = session.named("batch-key").inputs;
      assert.strictEqual(key.enableKeyRotation, true);
      assert.strictEqual(key.deletionWindowInDays, 30);
      const policy = json(key.policy);
      assert.deepStrictEqual(
        policy.Statement.map((s: { Sid: string }) => s.Sid),
        [
          "KeyAdministrationByAccount",
          "KeyUseThroughLakeServices",
          "GrantsForLakeServiceResources",
          "DirectUseByLakeKeyUserRoles",
          "CloudWatchLogsForLakeLogGroups",
        ],
      );
      assert.deepStrictEqual(policy.Statement[3].Condition.ArnLike, {
        "aws:PrincipalArn": "arn:aws:iam::123456789012:role/datalake/test/lake-key-users/*",
      });
      assert.deepStrictEqual(policy.Statement[4].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"], [
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/datalake/test/*",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws-glue/*",
      ]);
      assert.strictEqual(session.named("batch-key-alias").inputs.name, "alias/datalake-test-lake");
    });

    it("encrypts the lake buckets with the key and the access-log bucket with SSE-S3", async () => {
      const keyArn = await unwrap(layer.keyArn);
      for (const zone of ["raw", "curated", "athena-results"]) {
        assert.deepStrictEqual(session.named(`batch-${zone}-encryption`).inputs.rules, [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn },
            bucketKeyEnabled: true,
          },
        ]);
        assert.strictEqual(
          session.named(`batch-${zone}-logging`).inputs.targetBucket,
          await unwrap(layer.accessLogBucketName),
        );
        assert.strictEqual(session.named(`batch-${zone}-logging`).inputs.targetPrefix, `${zone}/`);
      }
      assert.deepStrictEqual(session.named("batch-access-logs-encryption").inputs.rules, [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ]);
    });

    it("blocks public access and denies non-TLS requests on every bucket", () => {
      for (const zone of ["access-logs", "raw", "curated", "athena-results"]) {
        const pab = session.named(`batch-${zone}-public-access`).inputs;
        const flags = {
          blockPublicAcls: pab.blockPublicAcls,
          blockPublicPolicy: pab.blockPublicPolicy,
          ignorePublicAcls: pab.ignorePublicAcls,
          restrictPublicBuckets: pab.restrictPublicBuckets,
        };
        assert.deepStrictEqual(
          flags,
          {
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          },
          zone,
        );
        const deny = json(session.named(`batch-${zone}-policy`).inputs.policy).Statement[0];
        assert.deepStrictEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } }, zone);
        assert.strictEqual(deny.Effect, "Deny");
        assert.deepStrictEqual(session.named(`batch-${zone}-versioning`).inputs.versioningConfiguration, {
          status: "Enabled",
        });
      }
    });

    it("applies the default retention: raw IA at 30, Glacier at 90, expiry at 365; the others expire", () => {
      const rule = (zone: string) =>
        (session.named(`batch-${zone}-lifecycle`).inputs.rules as Record<string, unknown>[])[0];
      assert.deepStrictEqual(rule("raw"), {
        id: "retention",
        status: "Enabled",
        filter: { prefix: "" },
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 90, storageClass: "GLACIER" },
        ],
        expiration: { days: 365 },
        noncurrentVersionExpiration: { noncurrentDays: 30 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      });
      // Curated: only the data prefixes expire; the ETL scripts never do, its scratch space in a week.
      assert.deepStrictEqual(session.named("batch-curated-lifecycle").inputs.rules, [
        {
          id: "retention-app-logs",
          status: "Enabled",
          filter: { prefix: "app_logs/" },
          expiration: { days: 730 },
        },
        {
          id: "retention-quarantine-app-logs",
          status: "Enabled",
          filter: { prefix: "quarantine/app_logs/" },
          expiration: { days: 730 },
        },
        {
          id: "expire-glue-temp",
          status: "Enabled",
          filter: { prefix: "glue/temp/" },
          expiration: { days: 7 },
        },
        {
          id: "housekeeping",
          status: "Enabled",
          filter: { prefix: "" },
          noncurrentVersionExpiration: { noncurrentDays: 30 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ]);
      assert.deepStrictEqual(rule("athena-results").expiration, { days: 7 });
      assert.deepStrictEqual(rule("access-logs").expiration, { days: 90 });
      for (const zone of ["access-logs", "raw", "curated", "athena-results"]) {
        assert.strictEqual(session.named(`batch-${zone}-bucket`).inputs.forceDestroy, false);
        assert.strictEqual(session.named(`batch-${zone}-bucket`).protect ?? false, false);
      }
    });

    it("delivers Firehose records encrypted, gzipped, under the shared UTC prefix, with delivery logging", async () => {
      const s = session.named("batch-firehose").inputs as Record<string, any>;
      const keyArn = await unwrap(layer.keyArn);
      assert.strictEqual(s.destination, "extended_s3");
      assert.deepStrictEqual(s.serverSideEncryption, {
        enabled: true,
        keyType: "CUSTOMER_MANAGED_CMK",
        keyArn,
      });
      const c = s.extendedS3Configuration;
      assert.deepStrictEqual(
        {
          bucketArn: c.bucketArn,
          prefix: c.prefix,
          errorOutputPrefix: c.errorOutputPrefix,
          customTimeZone: c.customTimeZone,
          bufferingInterval: c.bufferingInterval,
          bufferingSize: c.bufferingSize,
          compressionFormat: c.compressionFormat,
          kmsKeyArn: c.kmsKeyArn,
          cloudwatchLoggingOptions: c.cloudwatchLoggingOptions,
        },
        {
          bucketArn: await unwrap(layer.rawBucketArn),
          prefix: "app_logs/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/",
          errorOutputPrefix:
            "errors/app_logs/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/",
          customTimeZone: "UTC",
          bufferingInterval: 60,
          bufferingSize: 5,
          compressionFormat: "GZIP",
          kmsKeyArn: keyArn,
          cloudwatchLoggingOptions: {
            enabled: true,
            logGroupName: "/datalake/test/firehose/batch",
            logStreamName: "S3Delivery",
          },
        },
      );
      assert.strictEqual(c.roleArn, session.named("batch-firehose-role").outputs.arn);
      const logs = session.named("batch-firehose-logs").inputs;
      assert.deepStrictEqual(
        { kmsKeyId: logs.kmsKeyId, retentionInDays: logs.retentionInDays },
        { kmsKeyId: keyArn, retentionInDays: 14 },
      );
      assert.ok(
        (session.named("batch-firehose").dependencies ?? []).includes(
          session.named("batch-firehose-delivery").urn,
        ),
      );
    });

    it("lets Firehose assume its role only for this account, and the generator only put records", async () => {
      const trust = json(session.named("batch-firehose-role").inputs.assumeRolePolicy);
      assert.deepStrictEqual(trust.Statement, [
        {
          Effect: "Allow",
          Principal: { Service: "firehose.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "123456789012" } },
        },
      ]);
      const grant = session.named("batch-generator-firehose").inputs;
      assert.strictEqual(grant.role, "generator-role");
      assert.deepStrictEqual(json(grant.policy).Statement, [
        {
          Sid: "PutAppLogRecords",
          Effect: "Allow",
          Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
          Resource: await unwrap(layer.firehoseStreamArn),
        },
      ]);
    });

    it("uses no wildcard action in any Allow statement of any IAM or key policy", () => {
      const docs = [
        ...session.ofType("aws:iam/rolePolicy:RolePolicy").map((r) => r.inputs.policy),
        ...session.ofType("aws:iam/role:Role").map((r) => r.inputs.assumeRolePolicy),
        session.named("batch-key").inputs.policy,
      ];
      for (const doc of docs) {
        for (const st of json(doc).Statement.filter((s: { Effect: string }) => s.Effect === "Allow")) {
          for (const a of [st.Action].flat()) assert.ok(!String(a).includes("*"), `${a} in ${doc}`);
        }
      }
    });

    it("declares the projected raw table from the shared layout, over the raw bucket", async () => {
      const t = session.named("batch-raw-table").inputs as Record<string, any>;
      const bucket = await unwrap(layer.rawBucketName);
      const expected = rawTableDefinition(bucket, 365);
      assert.strictEqual(t.name, "app_logs_raw");
      assert.strictEqual(t.databaseName, "datalake_test");
      assert.deepStrictEqual(t.parameters, expected.parameters);
      assert.deepStrictEqual(t.partitionKeys, expected.partitionKeys);
      assert.deepStrictEqual(t.storageDescriptor, expected.storageDescriptor);
      assert.strictEqual(t.tableType, "EXTERNAL_TABLE");
      assert.strictEqual(await unwrap(layer.rawTableName), "app_logs_raw");
    });

    it("maps a record Firehose writes at T to the partition the registered table projects for T", async () => {
      const firehose = (session.named("batch-firehose").inputs as Record<string, any>)
        .extendedS3Configuration;
      const params = (session.named("batch-raw-table").inputs as Record<string, any>).parameters as Record<
        string,
        string
      >;
      const bucket = await unwrap(layer.rawBucketName);
      const t = new Date(Date.UTC(2019, 5, 20, 12, 34, 56));
      const objectPrefix = `s3://${bucket}/${evaluateFirehosePrefix(firehose.prefix, t, firehose.customTimeZone)}`;
      const values = projectedPartitionValues(PARTITION_KEYS, params, t);
      assert.deepStrictEqual(values, { dt: "2019-06-20", hour: "12" });
      assert.strictEqual(objectPrefix, fillLocationTemplate(params["storage.location.template"], values));
      assert.strictEqual(objectPrefix, `s3://${bucket}/app_logs/dt=2019-06-20/hour=12/`);
    });

    it("enforces the Athena workgroup: engine 3, SSE-KMS results, metrics, 1 GiB cutoff", async () => {
      const w = session.named("batch-workgroup").inputs as Record<string, any>;
      assert.deepStrictEqual(w.configuration, {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 1024 * 1024 * 1024,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: `s3://${await unwrap(layer.athenaResultsBucketName)}/results/`,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: await unwrap(layer.keyArn) },
          expectedBucketOwner: "123456789012",
        },
      });
      assert.strictEqual(w.state, "ENABLED");
      for (const q of session.ofType("aws:athena/namedQuery:NamedQuery")) {
        assert.strictEqual(q.inputs.workgroup, await unwrap(layer.workgroupName));
        assert.strictEqual(q.inputs.database, "datalake_test");
      }
    });

    it("keeps Redshift Serverless private, encrypted with the key and its password in Secrets Manager", async () => {
      const keyArn = await unwrap(layer.keyArn);
      const ns = session.named("batch-namespace").inputs as Record<string, any>;
      const spectrumArn = session.named("batch-spectrum-role").outputs.arn;
      assert.deepStrictEqual(
        {
          kmsKeyId: ns.kmsKeyId,
          manageAdminPassword: ns.manageAdminPassword,
          adminPasswordSecretKmsKeyId: ns.adminPasswordSecretKmsKeyId,
          iamRoles: ns.iamRoles,
          dbName: ns.dbName,
          namespaceName: ns.namespaceName,
        },
        {
          kmsKeyId: keyArn,
          manageAdminPassword: true,
          adminPasswordSecretKmsKeyId: keyArn,
          iamRoles: [spectrumArn],
          dbName: "dev",
          namespaceName: "datalake-test",
        },
      );
      assert.strictEqual(ns.adminUserPassword, undefined);
      const wg = session.named("batch-redshift-workgroup").inputs as Record<string, any>;
      assert.deepStrictEqual(
        {
          publiclyAccessible: wg.publiclyAccessible,
          enhancedVpcRouting: wg.enhancedVpcRouting,
          subnetIds: wg.subnetIds,
          baseCapacity: wg.baseCapacity,
        },
        {
          publiclyAccessible: false,
          enhancedVpcRouting: true,
          subnetIds: NETWORK.subnetIds,
          baseCapacity: 8,
        },
      );
      assert.deepStrictEqual(wg.securityGroupIds, [session.named("batch-redshift-sg").outputs.id]);
      assert.strictEqual(
        await unwrap(layer.redshiftEndpoint!),
        "datalake-test.123456789012.ap-northeast-1.redshift-serverless.amazonaws.com:5439",
      );
    });

    it("admits 5439 only from the VPC and gives Spectrum a Glue endpoint inside the VPC", () => {
      assert.deepStrictEqual(session.named("batch-redshift-sg").inputs.ingress, [
        {
          description: "Redshift from inside the VPC",
          protocol: "tcp",
          fromPort: 5439,
          toPort: 5439,
          cidrBlocks: ["10.10.0.0/16"],
        },
      ]);
      assert.deepStrictEqual(session.named("batch-glue-endpoint-sg").inputs.ingress, [
        {
          description: "HTTPS from inside the VPC",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["10.10.0.0/16"],
        },
      ]);
      const ep = session.named("batch-glue-endpoint").inputs;
      assert.deepStrictEqual(
        {
          serviceName: ep.serviceName,
          vpcEndpointType: ep.vpcEndpointType,
          privateDnsEnabled: ep.privateDnsEnabled,
          subnetIds: ep.subnetIds,
        },
        {
          serviceName: "com.amazonaws.ap-northeast-1.glue",
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: NETWORK.subnetIds,
        },
      );
    });

    it("trusts Redshift with the Spectrum role and creates the external schema with it at deploy time", () => {
      const trust = json(session.named("batch-spectrum-role").inputs.assumeRolePolicy);
      assert.deepStrictEqual(trust.Statement[0].Principal, {
        Service: ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"],
      });
      const st = session.named("batch-spectrum-schema").inputs;
      assert.strictEqual(st.workgroupName, "datalake-test");
      assert.strictEqual(st.database, "dev");
      assert.strictEqual(st.secretArn, session.named("batch-namespace").outputs.adminPasswordSecretArn);
      assert.strictEqual(
        st.sql,
        `CREATE EXTERNAL SCHEMA IF NOT EXISTS "lake"\nFROM DATA CATALOG DATABASE 'datalake_test'\nIAM_ROLE '${session.named("batch-spectrum-role").outputs.arn}';`,
      );
      const deps = session.named("batch-spectrum-schema").dependencies ?? [];
      for (const n of ["batch-raw-table", "batch-raw-unpartitioned-table", "batch-spectrum-read"])
        assert.ok(deps.includes(session.named(n).urn), n);
    });

    it("creates no QuickSight resources", () => {
      assert.strictEqual(session.ofType("aws:quicksight/dataSource:DataSource").length, 0);
      assert.strictEqual(layer.quicksightDataSetId, undefined);
    });
  });

  describe("with the warehouse off and QuickSight on, protected, prod-like values", () => {
    let session: Awaited<ReturnType<typeof mockSession>>;
    let layer: BatchLayer;

    before(async () => {
      ({ session, layer } = await build({
        enableWarehouse: false,
        quicksightPrincipalArn: QS_PRINCIPAL,
        protectStatefulResources: true,
        emptyBucketsOnDestroy: true,
        rawExpirationDays: 1827,
        athenaBytesScannedCutoffMiB: 10,
        firehoseBufferSeconds: 300,
        firehoseBufferMiB: 64,
      }));
    });

    it("registers no Redshift resources but the QuickSight data source and dataset", () => {
      assert.deepStrictEqual(countByType(session.recorder.resources), {
        ...CORE,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 2,
        "aws:quicksight/dataSource:DataSource": 1,
        "aws:quicksight/dataSet:DataSet": 1,
      });
      assert.strictEqual(layer.redshiftWorkgroupName, undefined);
    });

    it("points QuickSight at the workgroup and the raw table, owned by the principal", async () => {
      const ds = session.named("batch-quicksight-source").inputs as Record<string, any>;
      assert.deepStrictEqual(
        {
          type: ds.type,
          parameters: ds.parameters,
          permissions: ds.permissions,
          dataSourceId: ds.dataSourceId,
        },
        {
          type: "ATHENA",
          parameters: { athena: { workGroup: await unwrap(layer.workgroupName) } },
          permissions: [{ principal: QS_PRINCIPAL, actions: QUICKSIGHT_DATA_SOURCE_ACTIONS }],
          dataSourceId: "datalake-test-athena",
        },
      );
      const set = session.named("batch-quicksight-dataset").inputs as Record<string, any>;
      assert.strictEqual(set.importMode, "DIRECT_QUERY");
      assert.deepStrictEqual(set.permissions, [
        { principal: QS_PRINCIPAL, actions: QUICKSIGHT_DATA_SET_ACTIONS },
      ]);
      const table = set.physicalTableMaps[0].relationalTable;
      assert.deepStrictEqual(
        {
          dataSourceArn: table.dataSourceArn,
          catalog: table.catalog,
          schema: table.schema,
          name: table.name,
        },
        {
          dataSourceArn: session.named("batch-quicksight-source").outputs.arn,
          catalog: "AwsDataCatalog",
          schema: "datalake_test",
          name: "app_logs_raw",
        },
      );
      assert.deepStrictEqual(table.inputColumns, [
        { name: "timestamp", type: "STRING" },
        { name: "alarmlevel", type: "STRING" },
        { name: "host", type: "STRING" },
        { name: "user", type: "STRING" },
        { name: "number", type: "INTEGER" },
        { name: "text", type: "STRING" },
        { name: "dt", type: "STRING" },
        { name: "hour", type: "INTEGER" },
      ]);
      for (const a of [...QUICKSIGHT_DATA_SOURCE_ACTIONS, ...QUICKSIGHT_DATA_SET_ACTIONS])
        assert.ok(!a.includes("*"), a);
    });

    it("protects and retains the key, the buckets and the Glue database", () => {
      for (const name of [
        "batch-key",
        "batch-database",
        "batch-access-logs-bucket",
        "batch-raw-bucket",
        "batch-curated-bucket",
        "batch-athena-results-bucket",
      ]) {
        const r = session.named(name);
        assert.deepStrictEqual([r.protect, r.retainOnDelete], [true, true], name);
      }
      assert.strictEqual(session.named("batch-raw-bucket").inputs.forceDestroy, true);
    });

    it("passes the values through: projection range, cutoff, buffering", () => {
      const t = session.named("batch-raw-table").inputs as Record<string, any>;
      assert.strictEqual(t.parameters["projection.dt.range"], "NOW-1827DAYS,NOW");
      assert.strictEqual(
        (session.named("batch-workgroup").inputs as Record<string, any>).configuration
          .bytesScannedCutoffPerQuery,
        10 * 1024 * 1024,
      );
      const c = (session.named("batch-firehose").inputs as Record<string, any>).extendedS3Configuration;
      assert.deepStrictEqual([c.bufferingInterval, c.bufferingSize], [300, 64]);
    });
  });

  describe("with the warehouse on and protection on", () => {
    it("protects and retains the Redshift namespace", async () => {
      const { session } = await build({ protectStatefulResources: true });
      const ns = session.named("batch-namespace");
      assert.deepStrictEqual([ns.protect, ns.retainOnDelete], [true, true]);
    });
  });

  describe("with a text format, the warehouse and QuickSight on", () => {
    const TEXT: EventSchema = {
      name: "web-access",
      kind: "text",
      pattern: "^(?<ts>\\S+) (?<method>[A-Z]+) (?<status>\\d{3})$",
      fields: [
        { name: "ts", type: "timestamp" },
        { name: "method", type: "string" },
        { name: "status", type: "long" },
      ],
      timeField: "ts",
      timeFormat: "iso8601",
      keywordField: "method",
    };
    let session: Awaited<ReturnType<typeof mockSession>>;
    let layer: BatchLayer;

    before(async () => {
      ({ session, layer } = await build({ eventSchema: TEXT, quicksightPrincipalArn: QS_PRINCIPAL }));
    });

    it("declares both raw tables with Hive's RegexSerDe over the pattern in Java's syntax", async () => {
      const bucket = await unwrap(layer.rawBucketName);
      const raw = session.named("batch-raw-table").inputs as Record<string, any>;
      const flat = session.named("batch-raw-unpartitioned-table").inputs as Record<string, any>;
      const expected = rawTableDefinition(bucket, 365, undefined, TEXT);
      assert.strictEqual(raw.storageDescriptor.serDeInfo.serializationLibrary, REGEX_SERDE);
      assert.deepStrictEqual(raw.storageDescriptor, expected.storageDescriptor);
      assert.deepStrictEqual(raw.parameters, expected.parameters);
      assert.deepStrictEqual(
        flat.storageDescriptor,
        rawUnpartitionedTableDefinition(bucket, TEXT).storageDescriptor,
      );
      assert.strictEqual(
        raw.description,
        "Application logs as delivered by Firehose (gzip text lines, read with the web-access format's pattern), partitions projected from the prefix (UTC)",
      );
    });

    it("gives QuickSight the raw table's columns as strings, and Redshift the keyword count", () => {
      const set = session.named("batch-quicksight-dataset").inputs as Record<string, any>;
      assert.deepStrictEqual(set.physicalTableMaps[0].relationalTable.inputColumns, [
        { name: "ts", type: "STRING" },
        { name: "method", type: "STRING" },
        { name: "status", type: "STRING" },
        { name: "dt", type: "STRING" },
        { name: "hour", type: "INTEGER" },
      ]);
      assert.strictEqual(
        layer.redshiftExampleQuery,
        'SELECT "method", count(*) AS events\nFROM "lake"."app_logs_raw_unpartitioned"\nGROUP BY "method"\nORDER BY events DESC;',
      );
    });
  });

  describe("bad arguments", () => {
    before(async () => {
      await mockSession();
    });
    const base: BatchLayerArgs = { generatorRoleName: "r", ...NETWORK };
    const cases: [string, Partial<BatchLayerArgs>, string][] = [
      [
        "a cutoff below Athena's minimum",
        { athenaBytesScannedCutoffMiB: 5 },
        "BatchLayer b: athenaBytesScannedCutoffMiB is 5; use a whole number from 10 to 1073741824 (Athena's minimum is 10 MB).",
      ],
      [
        "a Firehose buffer over 900 s",
        { firehoseBufferSeconds: 901 },
        "BatchLayer b: firehoseBufferSeconds is 901; use a whole number from 0 to 900.",
      ],
      [
        "a Firehose buffer of 0 MiB",
        { firehoseBufferMiB: 0 },
        "BatchLayer b: firehoseBufferMiB is 0; use a whole number from 1 to 128.",
      ],
      [
        "archive too soon after IA",
        { rawTransitionToIaDays: 30, rawTransitionToArchiveDays: 45 },
        "BatchLayer b: rawTransitionToArchiveDays is 45; use a whole number from 60 to 36500 (30 days after rawTransitionToIaDays at least).",
      ],
      [
        "expiry before archive",
        { rawTransitionToArchiveDays: 90, rawExpirationDays: 90 },
        "BatchLayer b: rawExpirationDays is 90; use a whole number from 91 to 36500 (after rawTransitionToArchiveDays).",
      ],
      [
        "RPUs not a multiple of 8",
        { warehouseBaseCapacityRpu: 12 },
        "BatchLayer b: warehouseBaseCapacityRpu is 12; use a multiple of 8 from 8 to 1024.",
      ],
      [
        "a warehouse without a network",
        { vpcId: undefined, vpcCidrBlock: undefined },
        "BatchLayer b: enableWarehouse is true but vpcId, vpcCidrBlock is not set; pass the network's values or set enableWarehouse to false.",
      ],
      [
        "a text format's pattern the raw tables' Java engine would read differently",
        {
          eventSchema: {
            name: "x",
            kind: "text",
            pattern: "^(?<ts>\\S+) (a|b)$",
            fields: [{ name: "ts", type: "timestamp" }],
            timeField: "ts",
            timeFormat: "iso8601",
          },
        },
        'BatchLayer b: eventSchema.pattern is "^(?<ts>\\\\S+) (a|b)$": has an unnamed capturing group ( at character 13; the raw table\'s RegexSerDe makes every capturing group a column, so write it as a non-capturing group (?:...).',
      ],
      [
        "a database name Athena cannot use",
        { databaseName: "Data-Lake" },
        'BatchLayer b: databaseName is "Data-Lake"; use lowercase letters, digits and _ (Athena and Spectrum need that), starting with a letter.',
      ],
    ];
    for (const [title, args, message] of cases) {
      it(`rejects ${title}`, () =>
        assert.throws(() => new BatchLayer("b", { ...base, ...args }), { message }));
    }

    it("needs no network when the warehouse is off", () => {
      assert.doesNotThrow(() => new BatchLayer("nonet", { generatorRoleName: "r", enableWarehouse: false }));
    });
  });
});
