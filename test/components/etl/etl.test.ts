import * as assert from "assert";
import * as path from "path";
import { EtlLayer, EtlLayerArgs } from "../../../components/etl";
import { ETL_SCRIPTS_PREFIX } from "../../../components/shared/lake";
import { eventSchemaArgument } from "../../../components/etl/layout";
import { curatedColumnsFor } from "../../../components/shared/schema";
import { exampleAppSchema } from "../queries/genericInput";
import { json, mockSession, unwrap } from "../../helpers/mocks";

const COMPONENT = "datalake:etl:EtlLayer";
const KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777";

const BASE: EtlLayerArgs = {
  keyArn: KEY,
  rawBucketName: "lake-raw-abc",
  rawBucketArn: "arn:aws:s3:::lake-raw-abc",
  curatedBucketName: "lake-curated-abc",
  curatedBucketArn: "arn:aws:s3:::lake-curated-abc",
  databaseName: "datalake_test",
  rawTableName: "app_logs_raw",
  workgroupName: "datalake-test",
};

function countByType(resources: readonly { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

async function build(args: Partial<EtlLayerArgs> = {}) {
  const session = await mockSession();
  const etl = new EtlLayer("etl", { ...BASE, ...args });
  await unwrap(etl.startJobRunCommand);
  await session.settle();
  return { session, etl };
}

describe("EtlLayer", () => {
  describe("with defaults (on demand, no crawler)", () => {
    let s: Awaited<ReturnType<typeof build>>["session"];
    let etl: EtlLayer;

    before(async () => {
      ({ session: s, etl } = await build());
    });

    it("registers exactly the expected children", () => {
      assert.deepStrictEqual(countByType(s.recorder.resources), {
        [COMPONENT]: 1,
        "aws:glue/securityConfiguration:SecurityConfiguration": 1,
        "aws:iam/role:Role": 1,
        "aws:cloudwatch/logGroup:LogGroup": 2,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:s3/bucketObjectv2:BucketObjectv2": 4,
        "aws:glue/job:Job": 1,
        "aws:glue/catalogTable:CatalogTable": 1,
        "aws:athena/namedQuery:NamedQuery": 6,
      });
    });

    it("parents every child to the component", () => {
      const children = s.recorder.resources.filter((r) => r.type !== COMPONENT);
      assert.strictEqual(children.length, 17);
      for (const r of children) {
        assert.ok(r.urn.includes(`${COMPONENT}$aws:`), r.urn);
        assert.ok(r.parent?.endsWith(`${COMPONENT}::etl`), `${r.urn} parent ${r.parent}`);
      }
    });

    it("encrypts S3 output, CloudWatch logs and job bookmarks with the lake key", () => {
      assert.deepStrictEqual(s.named("etl-security").inputs.encryptionConfiguration, {
        s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KEY },
        cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY },
      });
    });

    it("attaches the security configuration and the role to the job, sized by the defaults", () => {
      const job = s.named("etl-job").inputs;
      assert.strictEqual(job.securityConfiguration, s.named("etl-security").outputs.name);
      assert.strictEqual(job.roleArn, s.named("etl-job-role").outputs.arn);
      assert.deepStrictEqual(
        {
          glueVersion: job.glueVersion,
          workerType: job.workerType,
          numberOfWorkers: job.numberOfWorkers,
          timeout: job.timeout,
          maxRetries: job.maxRetries,
        },
        { glueVersion: "5.0", workerType: "G.1X", numberOfWorkers: 2, timeout: 30, maxRetries: 0 },
      );
      assert.deepStrictEqual(job.executionProperty, { maxConcurrentRuns: 1 });
      assert.deepStrictEqual(job.command, {
        name: "glueetl",
        scriptLocation: `s3://lake-curated-abc/${ETL_SCRIPTS_PREFIX}app_logs_to_parquet.py`,
        pythonVersion: "3",
      });
    });

    it("passes bookmarks, metrics, the temp dir, every module and the paths (Glue 5.0: no continuous-log or catalog flag)", () => {
      assert.deepStrictEqual(s.named("etl-job").inputs.defaultArguments, {
        "--job-language": "python",
        "--job-bookmark-option": "job-bookmark-enable",
        "--enable-metrics": "true",
        "--TempDir": "s3://lake-curated-abc/glue/temp/",
        "--extra-py-files":
          "s3://lake-curated-abc/glue/scripts/transform.py,s3://lake-curated-abc/glue/scripts/ledger.py,s3://lake-curated-abc/glue/scripts/pipeline.py",
        "--raw_path": "s3://lake-raw-abc/app_logs/",
        "--curated_path": "s3://lake-curated-abc/app_logs/",
        "--quarantine_path": "s3://lake-curated-abc/quarantine/app_logs/",
      });
    });

    it("creates the job only after its policy, log groups and code exist", () => {
      const deps = s.named("etl-job").dependencies ?? [];
      for (const name of [
        "etl-job-policy",
        "etl-logs-output",
        "etl-logs-error",
        "etl-script",
        "etl-transform-module",
        "etl-ledger-module",
        "etl-pipeline-module",
      ]) {
        assert.ok(deps.includes(s.named(name).urn), `job does not depend on ${name}`);
      }
    });

    it("uploads the script and every module from components/etl/jobs, SSE-KMS with the lake key", () => {
      const uploads = [
        ["etl-script", "app_logs_to_parquet.py"],
        ["etl-transform-module", "transform.py"],
        ["etl-ledger-module", "ledger.py"],
        ["etl-pipeline-module", "pipeline.py"],
      ];
      assert.strictEqual(s.ofType("aws:s3/bucketObjectv2:BucketObjectv2").length, uploads.length);
      for (const [name, file] of uploads) {
        const o = s.named(name).inputs;
        assert.strictEqual(o.bucket, "lake-curated-abc");
        assert.strictEqual(o.key, `glue/scripts/${file}`);
        assert.strictEqual(o.serverSideEncryption, "aws:kms");
        assert.strictEqual(o.kmsKeyId, KEY);
        assert.strictEqual(o.bucketKeyEnabled, true);
        const source = o.source as { path: string };
        assert.strictEqual(
          path.resolve(source.path),
          path.resolve(__dirname, "../../../components/etl/jobs", file),
        );
      }
    });

    it("creates the log groups Glue writes to under its security configuration, with the key and retention", () => {
      const sc = s.named("etl-security").outputs.name as string;
      const role = s.named("etl-job-role").outputs.name as string;
      const groups = s.ofType("aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs);
      assert.deepStrictEqual(
        groups.map((g) => g.name),
        [
          `/aws-glue/jobs/${sc}-role/datalake/test/lake-key-users/${role}/output`,
          `/aws-glue/jobs/${sc}-role/datalake/test/lake-key-users/${role}/error`,
        ],
      );
      for (const g of groups) {
        assert.strictEqual(g.kmsKeyId, KEY);
        assert.strictEqual(g.retentionInDays, 14);
      }
    });

    it("lets only Glue assume the job role", () => {
      assert.deepStrictEqual(json(s.named("etl-job-role").inputs.assumeRolePolicy), {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      });
    });

    it("puts the job role under the lake key's direct-user path (bookmark encryption is client-side)", () => {
      assert.strictEqual(s.named("etl-job-role").inputs.path, "/datalake/test/lake-key-users/");
    });

    it("grants the job exactly its prefixes, catalog, key, log groups and metrics", () => {
      const sc = s.named("etl-security").outputs.name as string;
      const role = s.named("etl-job-role").outputs.name as string;
      const log = (n: string) => `arn:aws:logs:ap-northeast-1:123456789012:log-group:${n}`;
      const logs = [
        `/aws-glue/jobs/${sc}-role/datalake/test/lake-key-users/${role}/output`,
        `/aws-glue/jobs/${sc}-role/datalake/test/lake-key-users/${role}/error`,
      ];
      const doc = json(s.named("etl-job-policy").inputs.policy);
      assert.strictEqual(s.named("etl-job-policy").inputs.role, s.named("etl-job-role").outputs.id);
      assert.deepStrictEqual(doc, {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadRawLogs",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: "arn:aws:s3:::lake-raw-abc/app_logs/*",
          },
          {
            Sid: "ProbeRawDirectory",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: ["arn:aws:s3:::lake-raw-abc/app_logs", "arn:aws:s3:::lake-raw-abc/app_logs_$folder$"],
          },
          {
            Sid: "ListRawLogs",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: "arn:aws:s3:::lake-raw-abc",
            Condition: { StringLike: { "s3:prefix": ["app_logs/", "app_logs/*"] } },
          },
          {
            Sid: "ReadJobCode",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: "arn:aws:s3:::lake-curated-abc/glue/scripts/*",
          },
          {
            Sid: "WriteCuratedQuarantineTemp",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
            Resource: [
              "arn:aws:s3:::lake-curated-abc/app_logs/*",
              "arn:aws:s3:::lake-curated-abc/quarantine/app_logs/*",
              "arn:aws:s3:::lake-curated-abc/glue/temp/*",
            ],
          },
          {
            Sid: "ProbeCuratedDirectories",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: [
              "arn:aws:s3:::lake-curated-abc/app_logs",
              "arn:aws:s3:::lake-curated-abc/quarantine",
              "arn:aws:s3:::lake-curated-abc/quarantine/app_logs",
              "arn:aws:s3:::lake-curated-abc/glue",
              "arn:aws:s3:::lake-curated-abc/glue/temp",
            ],
          },
          {
            Sid: "MaintainCuratedFolderMarkers",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: [
              "arn:aws:s3:::lake-curated-abc/app_logs_$folder$",
              "arn:aws:s3:::lake-curated-abc/quarantine_$folder$",
              "arn:aws:s3:::lake-curated-abc/quarantine/app_logs_$folder$",
              "arn:aws:s3:::lake-curated-abc/glue_$folder$",
              "arn:aws:s3:::lake-curated-abc/glue/temp_$folder$",
            ],
          },
          {
            Sid: "ListCuratedQuarantineTempCode",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: "arn:aws:s3:::lake-curated-abc",
            Condition: {
              StringLike: {
                "s3:prefix": [
                  "app_logs/",
                  "app_logs/*",
                  "quarantine/app_logs/",
                  "quarantine/app_logs/*",
                  "glue/temp/",
                  "glue/temp/*",
                  "glue/scripts/",
                  "glue/scripts/*",
                  "quarantine/",
                  "glue/",
                ],
              },
            },
          },
          {
            Sid: "LocateLakeBuckets",
            Effect: "Allow",
            Action: ["s3:GetBucketLocation"],
            Resource: ["arn:aws:s3:::lake-raw-abc", "arn:aws:s3:::lake-curated-abc"],
          },
          {
            Sid: "UseLakeKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            Resource: KEY,
          },
          {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: [
              "logs:CreateLogGroup",
              "logs:CreateLogStream",
              "logs:PutLogEvents",
              "logs:AssociateKmsKey",
            ],
            Resource: logs.flatMap((n) => [log(n), `${log(n)}:*`]),
          },
          {
            Sid: "PublishGlueMetrics",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricData"],
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
          },
        ],
      });
    });

    it("uses no wildcard action and no managed policy", () => {
      const doc = json(s.named("etl-job-policy").inputs.policy) as { Statement: { Action: string[] }[] };
      for (const action of doc.Statement.flatMap((st) => st.Action)) assert.ok(!action.includes("*"), action);
      assert.strictEqual(s.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
    });

    it("creates no trigger and no crawler: the job runs on demand", async () => {
      assert.strictEqual(s.ofType("aws:glue/trigger:Trigger").length, 0);
      assert.strictEqual(s.ofType("aws:glue/crawler:Crawler").length, 0);
      assert.strictEqual(await unwrap(etl.triggerName), undefined);
      assert.strictEqual(await unwrap(etl.crawlerName), undefined);
    });

    it("declares the curated table: external Parquet, typed columns, projection over the job's folders", () => {
      const t = s.named("etl-curated-table");
      assert.ok(!t.protect && !t.retainOnDelete, "the curated table is not protected by default");
      assert.deepStrictEqual(
        { name: t.inputs.name, databaseName: t.inputs.databaseName, tableType: t.inputs.tableType },
        { name: "app_logs_curated", databaseName: "datalake_test", tableType: "EXTERNAL_TABLE" },
      );
      assert.deepStrictEqual(t.inputs.parameters, {
        EXTERNAL: "TRUE",
        classification: "parquet",
        "parquet.compression": "SNAPPY",
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "projection.dt.range": "NOW-730DAYS,NOW",
        "projection.hour.type": "integer",
        "projection.hour.range": "0,23",
        "projection.hour.interval": "1",
        "projection.hour.digits": "2",
        "storage.location.template": "s3://lake-curated-abc/app_logs/dt=${dt}/hour=${hour}/",
      });
      const sd = t.inputs.storageDescriptor as Record<string, any>;
      assert.strictEqual(sd.location, "s3://lake-curated-abc/app_logs/");
      assert.strictEqual(
        sd.serDeInfo.serializationLibrary,
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
      );
      assert.strictEqual(sd.inputFormat, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
      assert.deepStrictEqual(
        sd.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`),
        [
          "event_time:timestamp",
          "timestamp:string",
          "alarmlevel:string",
          "host:string",
          "user:string",
          "number:int",
          "text:string",
        ],
      );
      assert.deepStrictEqual(
        (t.inputs.partitionKeys as { name: string; type: string }[]).map((k) => `${k.name}:${k.type}`),
        ["dt:string", "hour:int"],
      );
    });

    it("saves the comparison queries in the workgroup, after the curated table", () => {
      const queries = s.ofType("aws:athena/namedQuery:NamedQuery");
      assert.deepStrictEqual(
        queries.map((q) => q.inputs.name),
        [
          "etl-errors-by-user-raw",
          "etl-errors-by-user-parquet",
          "etl-errors-by-user-partitioned",
          "etl-levels-by-hour-raw",
          "etl-levels-by-hour-parquet",
          "etl-levels-by-hour-partitioned",
        ],
      );
      for (const q of queries) {
        assert.strictEqual(q.inputs.workgroup, "datalake-test");
        assert.strictEqual(q.inputs.database, "datalake_test");
        assert.ok(q.dependencies?.includes(s.named("etl-curated-table").urn));
      }
      assert.ok(
        String(s.named("etl-query-etl-errors-by-user-raw").inputs.query).includes(
          `FROM "datalake_test"."app_logs_raw"`,
        ),
      );
      assert.ok(
        String(s.named("etl-query-etl-errors-by-user-partitioned").inputs.query).includes(`"dt" >= `),
      );
    });

    it("exposes the job name and the start-job-run command", async () => {
      const jobName = s.named("etl-job").outputs.name as string;
      assert.match(jobName, /^etl-job-[0-9a-f]{7}$/);
      assert.strictEqual(await unwrap(etl.jobName), jobName);
      assert.strictEqual(
        await unwrap(etl.startJobRunCommand),
        `aws glue start-job-run --job-name ${jobName} --region ap-northeast-1`,
      );
      assert.strictEqual(await unwrap(etl.curatedTableName), "app_logs_curated");
    });
  });

  describe("with a user format (datalake:format of Pulumi.example-app.yaml)", () => {
    let s: Awaited<ReturnType<typeof build>>["session"];
    let defaults: Awaited<ReturnType<typeof build>>["session"];

    before(async () => {
      ({ session: defaults } = await build());
      ({ session: s } = await build({ eventSchema: exampleAppSchema() }));
    });

    it("hands the job the format as --event_schema, the other arguments as for the hands-on's", () => {
      const args = s.named("etl-job").inputs.defaultArguments as Record<string, string>;
      const { "--event_schema": format, ...rest } = args;
      assert.deepStrictEqual(rest, defaults.named("etl-job").inputs.defaultArguments);
      assert.strictEqual(format, eventSchemaArgument(exampleAppSchema()));
    });

    it("declares the curated table with the format's columns, attributes last, and no comparison queries", () => {
      const sd = s.named("etl-curated-table").inputs.storageDescriptor as {
        columns: { name: string; type: string }[];
      };
      assert.deepStrictEqual(
        sd.columns.map((c) => `${c.name}:${c.type}`),
        curatedColumnsFor(exampleAppSchema()).map((c) => `${c.name}:${c.type}`),
      );
      assert.strictEqual(sd.columns[sd.columns.length - 1].type, "map<string,string>");
      assert.strictEqual(s.ofType("aws:athena/namedQuery:NamedQuery").length, 0);
    });
  });

  describe("with a schedule, the crawler and protection (prod-like)", () => {
    let s: Awaited<ReturnType<typeof build>>["session"];

    before(async () => {
      ({ session: s } = await build({
        schedule: "cron(15 * * * ? *)",
        enableCrawler: true,
        protectStatefulResources: true,
        glueVersion: "4.0",
        workerType: "G.2X",
        numberOfWorkers: 10,
        timeoutMinutes: 60,
        logRetentionDays: 365,
        projectionRangeDays: 1827,
        projectionStartDate: "2026-12-01",
      }));
    });

    it("adds the schedule trigger, the crawler with its role, policy, log group and follow-up trigger", () => {
      const counts = countByType(s.recorder.resources);
      assert.strictEqual(counts["aws:glue/trigger:Trigger"], 2);
      assert.strictEqual(counts["aws:glue/crawler:Crawler"], 1);
      assert.strictEqual(counts["aws:iam/role:Role"], 2);
      assert.strictEqual(counts["aws:iam/rolePolicy:RolePolicy"], 2);
      // output, error, continuous (Glue 4.0) and the crawler's.
      assert.strictEqual(counts["aws:cloudwatch/logGroup:LogGroup"], 4);
    });

    it("schedules the job from config and starts the trigger on creation", () => {
      const t = s.named("etl-schedule").inputs;
      assert.deepStrictEqual(
        { type: t.type, schedule: t.schedule, startOnCreation: t.startOnCreation, actions: t.actions },
        {
          type: "SCHEDULED",
          schedule: "cron(15 * * * ? *)",
          startOnCreation: true,
          actions: [{ jobName: s.named("etl-job").outputs.name }],
        },
      );
    });

    it("on Glue 4.0 turns continuous logging on and creates and grants its logs-v2 group", () => {
      const sc = s.named("etl-security").outputs.name as string;
      const args = s.named("etl-job").inputs.defaultArguments as Record<string, string>;
      assert.strictEqual(args["--enable-continuous-cloudwatch-log"], "true");
      assert.strictEqual(args["--enable-glue-datacatalog"], undefined);
      assert.strictEqual(s.named("etl-logs-continuous").inputs.name, `/aws-glue/jobs/logs-v2-${sc}`);
      const doc = json(s.named("etl-job-policy").inputs.policy) as {
        Statement: { Sid: string; Resource: string[] }[];
      };
      const logs = doc.Statement.find((st) => st.Sid === "WriteOwnLogs")!.Resource;
      assert.ok(
        logs.includes(`arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws-glue/jobs/logs-v2-${sc}`),
      );
      assert.strictEqual(logs.length, 6);
    });

    it("sizes the job from the arguments", () => {
      const job = s.named("etl-job").inputs;
      assert.deepStrictEqual(
        [job.glueVersion, job.workerType, job.numberOfWorkers, job.timeout],
        ["4.0", "G.2X", 10, 60],
      );
      assert.strictEqual(s.named("etl-logs-error").inputs.retentionInDays, 365);
    });

    it("attaches the security configuration to the crawler, crawls new folders only and skips Spark's markers", () => {
      const c = s.named("etl-crawler").inputs;
      assert.strictEqual(c.securityConfiguration, s.named("etl-security").outputs.name);
      assert.strictEqual(c.role, s.named("etl-crawler-role").outputs.arn);
      assert.deepStrictEqual(c.recrawlPolicy, { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" });
      assert.deepStrictEqual(c.schemaChangePolicy, { updateBehavior: "LOG", deleteBehavior: "LOG" });
      assert.strictEqual(c.tablePrefix, "crawled_");
      assert.deepStrictEqual(c.s3Targets, [
        {
          path: "s3://lake-curated-abc/app_logs/",
          exclusions: [
            "**/_SUCCESS",
            "**/_temporary/**",
            "**_$folder$",
            "**/.*",
            "_runs/**",
            "**/_runs/**",
            "_superseded/**",
          ],
        },
      ]);
      assert.strictEqual(c.schedule, undefined);
    });

    it("starts the crawler after each successful job run", () => {
      const t = s.named("etl-crawl-after-job").inputs;
      assert.deepStrictEqual(t.predicate, {
        conditions: [{ jobName: s.named("etl-job").outputs.name, state: "SUCCEEDED" }],
      });
      assert.deepStrictEqual(t.actions, [{ crawlerName: s.named("etl-crawler").outputs.name }]);
      assert.strictEqual(t.type, "CONDITIONAL");
    });

    it("grants the crawler read on the curated prefix, table maintenance in our database and its own log group", () => {
      const role = s.named("etl-crawler-role").outputs.name as string;
      const sc = s.named("etl-security").outputs.name as string;
      const group = `/aws-glue/crawlers-role/${role}-${sc}`;
      assert.strictEqual(s.named("etl-logs-crawler").inputs.name, group);
      const doc = json(s.named("etl-crawler-policy").inputs.policy) as {
        Statement: { Sid: string; Action: string[]; Resource: unknown }[];
      };
      assert.deepStrictEqual(
        doc.Statement.map((st) => st.Sid),
        ["ReadCurated", "ListCurated", "MaintainLakeCatalog", "UseLakeKey", "WriteOwnLogs"],
      );
      assert.deepStrictEqual(doc.Statement[0].Resource, "arn:aws:s3:::lake-curated-abc/app_logs/*");
      assert.deepStrictEqual(doc.Statement[3], {
        Sid: "UseLakeKey",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: KEY,
      });
      const arn = `arn:aws:logs:ap-northeast-1:123456789012:log-group:${group}`;
      assert.deepStrictEqual(doc.Statement[4].Resource, [arn, `${arn}:*`]);
    });

    it("protects the curated table and projects from the configured start date", () => {
      const t = s.named("etl-curated-table");
      assert.strictEqual(t.protect, true);
      assert.strictEqual(t.retainOnDelete, true);
      assert.strictEqual(
        (t.inputs.parameters as Record<string, string>)["projection.dt.range"],
        "2026-12-01,NOW",
      );
    });
  });

  describe("argument validation", () => {
    const cases: [Partial<EtlLayerArgs>, string][] = [
      [{ numberOfWorkers: 1 }, "EtlLayer: numberOfWorkers is 1; use a whole number from 2 to 299."],
      [{ numberOfWorkers: 2.5 }, "EtlLayer: numberOfWorkers is 2.5; use a whole number from 2 to 299."],
      [{ timeoutMinutes: 0 }, "EtlLayer: timeoutMinutes is 0; use a whole number of minutes from 1 to 2880."],
      [
        { timeoutMinutes: 2881 },
        "EtlLayer: timeoutMinutes is 2881; use a whole number of minutes from 1 to 2880.",
      ],
      [
        { schedule: "rate(1 hour)" },
        'EtlLayer: schedule is "rate(1 hour)"; use a Glue cron expression with six fields such as cron(15 * * * ? *), or leave it unset to run on demand.',
      ],
      [{ glueVersion: "3.0" as "4.0" }, 'EtlLayer: glueVersion is "3.0"; use one of 4.0, 5.0.'],
      [
        { workerType: "Standard" as "G.1X" },
        'EtlLayer: workerType is "Standard"; use one of G.1X, G.2X, G.4X, G.8X.',
      ],
      [
        { logRetentionDays: 10 },
        `EtlLayer: logRetentionDays is 10; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.`,
      ],
      [{ projectionRangeDays: 0 }, "EtlLayer: projectionRangeDays is 0; use a whole number of days >= 1."],
      [
        { projectionStartDate: "2026-02-30" },
        'EtlLayer: projectionStartDate is "2026-02-30"; use a real date as yyyy-MM-dd (UTC), the first day the stack has data, or leave it unset.',
      ],
    ];
    for (const [bad, message] of cases) {
      it(`rejects ${JSON.stringify(bad)} before registering anything`, async () => {
        const s = await mockSession();
        assert.throws(() => new EtlLayer("etl", { ...BASE, ...bad }), { message });
        await s.settle();
        assert.strictEqual(s.ofType("aws:glue/job:Job").length, 0);
      });
    }
  });
});
