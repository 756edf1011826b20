import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import * as fs from "fs";
import * as path from "path";
import { GLUE_VERSIONS, etlSettings } from "../../../components/etl/args";
import {
  EVENT_SCHEMA_ARGUMENT,
  GLUE_JOB_ARGUMENTS_MAX_BYTES,
  JOB_MODULES,
  crawlerLogGroupName,
  eventSchemaArgument,
  glueLogging,
  jobArguments,
  jobArgumentsBytes,
  jobCodeFiles,
  jobLogGroupNames,
  logGroupArns,
  parseJobModules,
  s3Uri,
  startJobRunCommand,
} from "../../../components/etl/layout";
import {
  catalogArns,
  crawlerRolePolicy,
  directoryGrants,
  directoryKeys,
  jobRolePolicy,
} from "../../../components/etl/policy";
import { QUESTIONS, RAW_TIMESTAMP_JODA, namedQuerySpecs } from "../../../components/etl/queries";
import { curatedLocationTemplate, curatedTableParameters } from "../../../components/etl/table";
import { LOG_TIME_FORMAT } from "../../../components/shared/logformat";
import { EventSchema, HANDS_ON_SCHEMA } from "../../../components/shared/schema";
import { DOCS_TEXT_FORMAT, validatedFormat } from "../../helpers/formats";
import { exampleAppSchema } from "../queries/genericInput";

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
    assert.strictEqual(
      curatedTableParameters("cur", 1827, "2026-12-01")["projection.dt.range"],
      "2026-12-01,NOW",
    );
    for (const bad of [0, -1, 1.5]) {
      assert.throws(() => curatedTableParameters("cur", bad), {
        message: `projectionDateRange: rangeDays is ${bad}; use a whole number of days >= 1.`,
      });
    }
    for (const bad of ["2026-02-29", "2026-12-1", "20261201", "NOW-30DAYS"]) {
      assert.throws(() => curatedTableParameters("cur", 90, bad), {
        message: `projectionDateRange: projectionStartDate is "${bad}"; use a real date as yyyy-MM-dd (UTC), the first day the stack has data.`,
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
      projectionStartDate: undefined,
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
      projectionStartDate: "2026-12-01",
    } as const;
    assert.deepStrictEqual(etlSettings({ ...required, ...given, protectStatefulResources: true }), {
      ...given,
      protect: true,
    });
  });

  it("derives the logging arguments and log groups from the Glue version, for every version", () => {
    const expected: Record<(typeof GLUE_VERSIONS)[number], ReturnType<typeof glueLogging>> = {
      "4.0": {
        arguments: { "--enable-continuous-cloudwatch-log": "true" },
        streams: ["output", "error", "continuous"],
      },
      "5.0": { arguments: {}, streams: ["output", "error"] },
    };
    assert.deepStrictEqual(Object.keys(expected).sort(), [...GLUE_VERSIONS].sort());
    for (const v of GLUE_VERSIONS) {
      assert.deepStrictEqual(glueLogging(v), expected[v], v);
      const args = jobArguments({ rawBucketName: "r", curatedBucketName: "c", glueVersion: v });
      assert.strictEqual(
        args["--enable-continuous-cloudwatch-log"],
        expected[v].arguments["--enable-continuous-cloudwatch-log"],
      );
      assert.ok(!("--enable-glue-datacatalog" in args), v);
    }
    assert.throws(() => glueLogging("3.0"), {
      message: 'glueLogging: Glue version "3.0" is not modelled; use 4.0 or 5.0.',
    });
  });

  it("passes a format other than the hands-on's as --event_schema (compact JSON, one key order), and nothing new for the hands-on's", () => {
    const base = { rawBucketName: "r", curatedBucketName: "c", glueVersion: "5.0" };
    assert.strictEqual(EVENT_SCHEMA_ARGUMENT, "--event_schema");
    assert.deepStrictEqual(jobArguments({ ...base, eventSchema: HANDS_ON_SCHEMA }), jobArguments(base));
    assert.ok(!(EVENT_SCHEMA_ARGUMENT in jobArguments(base)));
    const web = exampleAppSchema();
    const args = jobArguments({ ...base, eventSchema: web });
    assert.deepStrictEqual(Object.keys(args), [...Object.keys(jobArguments(base)), "--event_schema"]);
    assert.strictEqual(
      args["--event_schema"],
      '{"name":"web-service","kind":"json","fields":[{"name":"timestamp","type":"timestamp"},{"name":"method","type":"string"},' +
        '{"name":"path","type":"string"},{"name":"status","type":"long"},{"name":"latency_ms","type":"double"},' +
        '{"name":"user_id","type":"string"}],"timeField":"timestamp","timeFormat":"iso8601","keywordField":"method"}',
    );
    const reordered = Object.fromEntries(Object.entries(web).reverse()) as unknown as EventSchema;
    assert.strictEqual(eventSchemaArgument(reordered), args["--event_schema"]);
    const text = validatedFormat(DOCS_TEXT_FORMAT);
    assert.deepStrictEqual(JSON.parse(eventSchemaArgument(text)), {
      name: "text-example",
      kind: "text",
      pattern: DOCS_TEXT_FORMAT.pattern,
      fields: DOCS_TEXT_FORMAT.fields,
      timeField: "ts",
      timeFormat: "%Y-%m-%dT%H:%M:%S%z",
      keywordField: "level",
    });
  });

  it("refuses, before anything is registered, a format that makes the job's arguments more than Glue's 260 KB", () => {
    const required = {
      keyArn: "arn:aws:kms:ap-northeast-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777",
      rawBucketName: "r",
      rawBucketArn: "arn:aws:s3:::r",
      curatedBucketName: "c",
      curatedBucketArn: "arn:aws:s3:::c",
      databaseName: "datalake_test",
      rawTableName: "app_logs_raw",
      workgroupName: "datalake-test",
    };
    const strftime = "%Y-%m-%dT%H:%M:%S%z";
    const withTimeFormat = (timeFormat: string): EventSchema => ({ ...exampleAppSchema(), timeFormat });
    // The longest bucket names (63 characters) stand in for the real ones, unknown at this point.
    const longest = { rawBucketName: "b".repeat(63), curatedBucketName: "b".repeat(63), glueVersion: "5.0" };
    const size = (schema: EventSchema) =>
      jobArgumentsBytes(jobArguments({ ...longest, eventSchema: schema }));
    const padding = GLUE_JOB_ARGUMENTS_MAX_BYTES - size(withTimeFormat(strftime));
    const fits = withTimeFormat(strftime + " ".repeat(padding));
    assert.strictEqual(size(fits), GLUE_JOB_ARGUMENTS_MAX_BYTES);
    assert.doesNotThrow(() => etlSettings({ ...required, eventSchema: fits }));
    assert.throws(
      () => etlSettings({ ...required, eventSchema: withTimeFormat(strftime + " ".repeat(padding + 1)) }),
      {
        message: `EtlLayer: eventSchema (datalake:format "web-service") makes the Glue job's arguments ${GLUE_JOB_ARGUMENTS_MAX_BYTES + 1} bytes, more than the 260000 Glue accepts; shorten the format's timeFormat, pattern or field names.`,
      },
    );
    // Counted in UTF-8 bytes: one character of three bytes is three.
    assert.strictEqual(jobArgumentsBytes({ "--a": "日" }), 6);
    assert.ok(size(exampleAppSchema()) < 2_000);
  });

  it("reads the job's modules from jobs/modules.json and names their uploads", () => {
    const file = JSON.parse(
      fs.readFileSync(path.join(__dirname, "../../../components/etl/jobs/modules.json"), "utf8"),
    );
    assert.deepStrictEqual(JOB_MODULES, file);
    assert.deepStrictEqual(jobCodeFiles({ script: "a.py", extraPyFiles: ["transform.py", "ledger.py"] }), [
      { role: "script", file: "a.py" },
      { role: "transform-module", file: "transform.py" },
      { role: "ledger-module", file: "ledger.py" },
    ]);
    assert.strictEqual(
      jobArguments({
        rawBucketName: "r",
        curatedBucketName: "c",
        glueVersion: "5.0",
        modules: { script: "a.py", extraPyFiles: ["x.py", "y.py"] },
      })["--extra-py-files"],
      "s3://c/glue/scripts/x.py,s3://c/glue/scripts/y.py",
    );
    const bad: [string, string][] = [
      ["{", "m.json is not JSON"],
      [
        '{"script": "a.py", "extraPyFiles": []}',
        'm.json must be {"script": "<name>.py", "extraPyFiles": ["<module>.py", ...]} with at least one module.',
      ],
      [
        '{"script": "a.py", "extraPyFiles": ["../x.py"]}',
        'm.json: extraPyFiles entry "../x.py" is not a module file name (<name>.py, not the script).',
      ],
      [
        '{"script": "a.py", "extraPyFiles": ["a.py"]}',
        'm.json: extraPyFiles entry "a.py" is not a module file name (<name>.py, not the script).',
      ],
      ['{"script": "a.py", "extraPyFiles": ["x.py", "x.py"]}', "m.json: extraPyFiles lists a module twice."],
    ];
    for (const [text, message] of bad) {
      assert.throws(
        () => parseJobModules(text, "m.json"),
        (err: Error) => err.message.startsWith(message),
        text,
      );
    }
  });

  it("names the directory keys, folder markers and exact list prefixes above each prefix", () => {
    const cases: [string, string[]][] = [
      ["app_logs/", ["app_logs"]],
      ["quarantine/app_logs/", ["quarantine", "quarantine/app_logs"]],
      ["glue/temp/", ["glue", "glue/temp"]],
    ];
    for (const [prefix, keys] of cases) assert.deepStrictEqual(directoryKeys(prefix), keys, prefix);
    for (const bad of ["app_logs", "/app_logs/", "a//b/", ""]) {
      assert.throws(() => directoryKeys(bad), {
        message: `directoryKeys: prefix is "${bad}"; use a key prefix such as "app_logs/" (no leading slash, one trailing slash).`,
      });
    }
    assert.deepStrictEqual(directoryGrants(["app_logs/", "quarantine/app_logs/", "glue/temp/"]), {
      probe: ["app_logs", "quarantine", "quarantine/app_logs", "glue", "glue/temp"],
      markers: [
        "app_logs_$folder$",
        "quarantine_$folder$",
        "quarantine/app_logs_$folder$",
        "glue_$folder$",
        "glue/temp_$folder$",
      ],
      listExact: ["quarantine/", "glue/"],
    });
  });

  it("allows the job exactly the S3 calls Spark, EMRFS and pipeline.py make (IAM simulator)", async () => {
    const account = "123456789012";
    const doc = jobRolePolicy({
      partition: "aws",
      region: "ap-northeast-1",
      accountId: account,
      databaseName: "datalake_dev",
      rawBucketArn: "arn:aws:s3:::raw",
      curatedBucketArn: "arn:aws:s3:::cur",
      keyArn: `arn:aws:kms:ap-northeast-1:${account}:key/1111aaaa-2222-3333-4444-555566667777`,
      logGroupNames: ["/g"],
    });
    // @cloud-copilot/iam-simulate evaluates the document with AWS's action and condition-key data;
    // a misspelt action or key makes the simulation an error, which fails the test.
    const decide = async (action: string, resource: string, prefix?: string) => {
      const r = await runSimulation(
        {
          identityPolicies: [{ name: "job", policy: doc as unknown as Record<string, unknown> }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: {
            action,
            principal: `arn:aws:iam::${account}:role/datalake/dev/lake-key-users/etl-job-role`,
            resource: { accountId: account, resource },
            contextVariables: prefix === undefined ? {} : { "s3:prefix": prefix },
          },
        },
        {},
      );
      if (r.resultType === "error") throw new Error(`${action} ${resource}: ${JSON.stringify(r.errors)}`);
      return r.overallResult === "Allowed";
    };
    const calls: [string, string, string | undefined, boolean][] = [
      // Spark/EMRFS looking up and creating the output directories (HEAD = GetObject).
      ["s3:GetObject", "arn:aws:s3:::cur/app_logs", undefined, true],
      ["s3:GetObject", "arn:aws:s3:::cur/app_logs_$folder$", undefined, true],
      ["s3:PutObject", "arn:aws:s3:::cur/app_logs_$folder$", undefined, true],
      ["s3:PutObject", "arn:aws:s3:::cur/quarantine_$folder$", undefined, true],
      ["s3:DeleteObject", "arn:aws:s3:::cur/glue/temp_$folder$", undefined, true],
      ["s3:GetObject", "arn:aws:s3:::cur/quarantine", undefined, true],
      ["s3:ListBucket", "arn:aws:s3:::cur", "quarantine/", true],
      ["s3:ListBucket", "arn:aws:s3:::cur", "glue/", true],
      // Manifests, staging, the move into place, the retraction.
      ["s3:ListBucket", "arn:aws:s3:::cur", "app_logs/_runs/", true],
      ["s3:PutObject", "arn:aws:s3:::cur/app_logs/_runs/20261201T000000Z-x.json", undefined, true],
      [
        "s3:DeleteObject",
        "arn:aws:s3:::cur/app_logs/dt=2026-12-01/hour=00/part-r-00000.snappy.parquet",
        undefined,
        true,
      ],
      [
        "s3:DeleteObject",
        "arn:aws:s3:::cur/quarantine/app_logs/run=r/reason=invalid_record/part-00000.gz",
        undefined,
        true,
      ],
      [
        "s3:DeleteObject",
        "arn:aws:s3:::cur/glue/temp/app_logs_to_parquet/r/dt=2026-12-01/hour=00/part-0.parquet",
        undefined,
        true,
      ],
      ["s3:ListBucket", "arn:aws:s3:::cur", "glue/temp/app_logs_to_parquet/r/", true],
      // The reader.
      ["s3:GetObject", "arn:aws:s3:::raw/app_logs", undefined, true],
      ["s3:GetObject", "arn:aws:s3:::raw/app_logs/dt=2026-12-01/hour=00/x.gz", undefined, true],
      ["s3:ListBucket", "arn:aws:s3:::raw", "app_logs/", true],
      // Not allowed: other prefixes, writes to raw, the scripts, listing the bucket root.
      ["s3:PutObject", "arn:aws:s3:::raw/app_logs/x", undefined, false],
      ["s3:PutObject", "arn:aws:s3:::raw/app_logs_$folder$", undefined, false],
      ["s3:PutObject", "arn:aws:s3:::cur/glue/scripts/app_logs_to_parquet.py", undefined, false],
      ["s3:DeleteObject", "arn:aws:s3:::cur/glue_scripts", undefined, false],
      ["s3:PutObject", "arn:aws:s3:::cur/quarantine/other/x", undefined, false],
      ["s3:GetObject", "arn:aws:s3:::cur/athena/x", undefined, false],
      ["s3:ListBucket", "arn:aws:s3:::cur", "", false],
      ["s3:ListBucket", "arn:aws:s3:::cur", "quarantine/other/", false],
      ["s3:ListBucket", "arn:aws:s3:::raw", "errors/", false],
      [
        "glue:GetTable",
        `arn:aws:glue:ap-northeast-1:${account}:table/datalake_dev/app_logs_raw`,
        undefined,
        false,
      ],
    ];
    for (const [action, resource, prefix, expected] of calls) {
      assert.strictEqual(
        await decide(action, resource, prefix),
        expected,
        `${action} ${resource} ${prefix ?? ""}`,
      );
    }
  });
});
