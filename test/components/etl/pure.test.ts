import * as assert from "assert";
import { etlSettings } from "../../../components/etl/args";
import {
  crawlerLogGroupName,
  jobLogGroupNames,
  logGroupArns,
  s3Uri,
  startJobRunCommand,
} from "../../../components/etl/layout";
import { catalogArns, crawlerRolePolicy } from "../../../components/etl/policy";
import { QUESTIONS, RAW_TIMESTAMP_JODA, namedQuerySpecs } from "../../../components/etl/queries";
import { curatedLocationTemplate, curatedTableParameters } from "../../../components/etl/table";
import { LOG_TIME_FORMAT } from "../../../components/shared/logformat";

const TARGET = { database: "datalake_dev", rawTable: "app_logs_raw" };

describe("EtlLayer pure helpers", () => {
  it("names the log groups Glue uses with an encrypting security configuration, role path included", () => {
    const cases: [string, string, string, ReturnType<typeof jobLogGroupNames>][] = [
      [
        "etl-security-1a2b3c4",
        "etl-job-role-5d6e7f8",
        "/datalake/dev/lake-key-users/",
        {
          output:
            "/aws-glue/jobs/etl-security-1a2b3c4-role/datalake/dev/lake-key-users/etl-job-role-5d6e7f8/output",
          error:
            "/aws-glue/jobs/etl-security-1a2b3c4-role/datalake/dev/lake-key-users/etl-job-role-5d6e7f8/error",
          continuous: "/aws-glue/jobs/logs-v2-etl-security-1a2b3c4",
        },
      ],
      [
        "sc",
        "r",
        "/",
        {
          output: "/aws-glue/jobs/sc-role/r/output",
          error: "/aws-glue/jobs/sc-role/r/error",
          continuous: "/aws-glue/jobs/logs-v2-sc",
        },
      ],
    ];
    for (const [sc, role, rolePath, expected] of cases)
      assert.deepStrictEqual(jobLogGroupNames(sc, role, rolePath), expected);
    assert.throws(() => jobLogGroupNames("sc", "r", "datalake/dev"), {
      message: 'jobLogGroupNames: rolePath is "datalake/dev"; an IAM path starts and ends with "/".',
    });
    assert.strictEqual(crawlerLogGroupName("crawler-role", "sc"), "/aws-glue/crawlers-role/crawler-role-sc");
  });

  it("builds log group, catalog and S3 addresses", () => {
    assert.deepStrictEqual(logGroupArns("aws", "ap-northeast-1", "123456789012", "/g"), [
      "arn:aws:logs:ap-northeast-1:123456789012:log-group:/g",
      "arn:aws:logs:ap-northeast-1:123456789012:log-group:/g:*",
    ]);
    assert.deepStrictEqual(
      catalogArns({ partition: "aws-cn", region: "cn-north-1", accountId: "1", databaseName: "db" }),
      [
        "arn:aws-cn:glue:cn-north-1:1:catalog",
        "arn:aws-cn:glue:cn-north-1:1:database/db",
        "arn:aws-cn:glue:cn-north-1:1:table/db/*",
      ],
    );
    assert.strictEqual(s3Uri("b", "k/"), "s3://b/k/");
    assert.strictEqual(
      startJobRunCommand("j", "us-east-1"),
      "aws glue start-job-run --job-name j --region us-east-1",
    );
  });

  it("gives the crawler table maintenance but no data writes", () => {
    const doc = crawlerRolePolicy({
      partition: "aws",
      region: "r",
      accountId: "1",
      databaseName: "db",
      curatedBucketArn: "arn:aws:s3:::c",
      keyArn: "k",
      logGroupName: "/g",
    });
    const actions = doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    assert.ok(actions.includes("glue:CreateTable") && actions.includes("glue:BatchCreatePartition"));
    for (const forbidden of [
      "s3:PutObject",
      "s3:DeleteObject",
      "glue:DeleteTable",
      "glue:DeleteDatabase",
      "kms:Encrypt",
    ]) {
      assert.ok(!actions.includes(forbidden), forbidden);
    }
  });

  it("projects the folders the job writes, over the configured days", () => {
    assert.strictEqual(curatedLocationTemplate("cur"), "s3://cur/app_logs/dt=${dt}/hour=${hour}/");
    assert.strictEqual(curatedTableParameters("cur", 90)["projection.dt.range"], "NOW-90DAYS,NOW");
    for (const bad of [0, -1, 1.5]) {
      assert.throws(() => curatedTableParameters("cur", bad), {
        message: `curatedTableParameters: rangeDays is ${bad}; use a whole number of days >= 1.`,
      });
    }
  });

  it("parses the raw timestamp with the Joda form of the log's time format", () => {
    assert.strictEqual(LOG_TIME_FORMAT, "%Y-%m-%d %H:%M:%S%z");
    assert.strictEqual(RAW_TIMESTAMP_JODA, "yyyy-MM-dd HH:mm:ssZ");
  });

  it("asks each question of raw, curated and partition-filtered curated", () => {
    const specs = namedQuerySpecs();
    assert.strictEqual(specs.length, QUESTIONS.length * 3);
    assert.strictEqual(
      specs[0].query(TARGET),
      [
        `SELECT "user", count(*) AS errors`,
        `FROM "datalake_dev"."app_logs_raw"`,
        `WHERE "alarmlevel" = 'ERROR'`,
        `  AND (parse_datetime("timestamp", 'yyyy-MM-dd HH:mm:ssZ') AT TIME ZONE 'UTC') >= CAST(current_date - INTERVAL '1' DAY AS timestamp)`,
        `GROUP BY "user"`,
        `ORDER BY errors DESC;`,
      ].join("\n"),
    );
    assert.strictEqual(
      specs[2].query(TARGET),
      [
        `SELECT "user", count(*) AS errors`,
        `FROM "datalake_dev"."app_logs_curated"`,
        `WHERE "dt" >= date_format(current_date - INTERVAL '1' DAY, '%Y-%m-%d')`,
        `  AND "alarmlevel" = 'ERROR'`,
        `  AND "event_time" >= CAST(current_date - INTERVAL '1' DAY AS timestamp)`,
        `GROUP BY "user"`,
        `ORDER BY errors DESC;`,
      ].join("\n"),
    );
    for (const spec of specs) {
      const sql = spec.query(TARGET);
      const partitioned = spec.name.endsWith("-partitioned");
      assert.strictEqual(sql.includes(`"dt" >=`), partitioned, spec.name);
      assert.strictEqual(sql.includes(`"app_logs_raw"`), spec.name.endsWith("-raw"), spec.name);
      assert.ok(spec.name.length <= 128 && spec.description.length <= 1024, spec.name);
    }
    assert.deepStrictEqual(
      specs
        .filter((s) => s.name.startsWith("etl-errors-by-user"))
        .map((s) => /hands-on scan: ([^)]+)\)/.exec(s.description)?.[1]),
      ["27.01 MB", "787.93 KB", "267.32 KB"],
    );
  });

  it("applies the documented defaults and keeps the values it is given", () => {
    const required = {
      keyArn: "arn:aws:kms:ap-northeast-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777",
      rawBucketName: "lake-raw-abc",
      rawBucketArn: "arn:aws:s3:::lake-raw-abc",
      curatedBucketName: "lake-curated-abc",
      curatedBucketArn: "arn:aws:s3:::lake-curated-abc",
      databaseName: "datalake_test",
      rawTableName: "app_logs_raw",
      workgroupName: "datalake-test",
    };
    assert.deepStrictEqual(etlSettings(required), {
      glueVersion: "5.0",
      workerType: "G.1X",
      numberOfWorkers: 2,
      timeoutMinutes: 30,
      schedule: undefined,
      enableCrawler: false,
      logRetentionDays: 14,
      projectionRangeDays: 730,
      protect: false,
    });
    const given = {
      glueVersion: "4.0",
      workerType: "G.2X",
      numberOfWorkers: 10,
      timeoutMinutes: 120,
      schedule: "cron(15 * * * ? *)",
      enableCrawler: true,
      logRetentionDays: 30,
      projectionRangeDays: 90,
    } as const;
    assert.deepStrictEqual(etlSettings({ ...required, ...given, protectStatefulResources: true }), {
      ...given,
      protect: true,
    });
  });
});
