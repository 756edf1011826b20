import * as assert from "assert";
import {
  ISM_POLICY_ID,
  READER_ROLE,
  REJECTED_DOCUMENTS_METRIC_NAME,
  SpeedLayer,
  SpeedLayerArgs,
  TLS_SECURITY_POLICY,
  WRITER_ROLE,
  metricNamespace,
} from "../../../components/speed";
import { json, mockSession, unwrap } from "../../helpers/mocks";
import { EventSchema } from "../../../components/shared/schema";
import { declaredFieldsOf } from "../../../components/speed/mapping";
import { WEB_SCHEMA } from "./formats";

const COMPONENT = "datalake:speed:SpeedLayer";
const GENERATOR_ROLE_ARN = "arn:aws:iam::123456789012:role/generator-role";
const NETWORK: SpeedLayerArgs = {
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  generatorSecurityGroupId: "sg-generator",
  generatorRoleName: "generator-role",
  generatorRoleArn: GENERATOR_ROLE_ARN,
  generatorInstanceId: "i-0123456789abcdef0",
};

function countByType(resources: readonly { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

async function build(args: Partial<SpeedLayerArgs> = {}) {
  const session = await mockSession();
  const layer = new SpeedLayer("speed", { ...NETWORK, ...args });
  await unwrap(layer.domainEndpoint);
  await unwrap(layer.dashboardsPortForwardCommand);
  const resources = await session.settle();
  return { session, layer, resources };
}

const BASE = {
  [COMPONENT]: 1,
  "aws:kms/key:Key": 1,
  "aws:cloudwatch/logGroup:LogGroup": 7,
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": 1,
  "aws:ec2/securityGroup:SecurityGroup": 4,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 4,
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 3,
  "random:index/randomPassword:RandomPassword": 1,
  "aws:secretsmanager/secret:Secret": 1,
  "aws:secretsmanager/secretVersion:SecretVersion": 1,
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": 1,
  "aws:opensearch/domain:Domain": 1,
  "aws:sqs/queue:Queue": 1,
  "aws:iam/role:Role": 3,
  "aws:iam/rolePolicy:RolePolicy": 4,
  "aws:lambda/function:Function": 3,
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": 1,
  "aws:lambda/invocation:Invocation": 1,
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": 2,
  "aws:sns/topic:Topic": 1,
  "aws:cloudwatch/metricAlarm:MetricAlarm": 1,
  "aws:lambda/permission:Permission": 1,
  "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": 1,
};

describe("SpeedLayer (under mocks)", function () {
  this.timeout(60_000);

  it("creates exactly the expected resources with the defaults, all parented to the component", async () => {
    const { resources } = await build();
    assert.deepStrictEqual(countByType(resources), BASE);
    for (const r of resources.filter((r) => r.type !== COMPONENT)) {
      assert.ok(r.urn.includes(`${COMPONENT}$${r.type}::speed-`), `${r.urn} is a child named speed-*`);
    }
  });

  it("adds the e-mail subscription only when alarmEmail is set, and skips the service-linked role when told", async () => {
    const { resources, session } = await build({
      alarmEmail: "ops@example.com",
      createServiceLinkedRole: "never",
    });
    const counts = countByType(resources);
    assert.strictEqual(counts["aws:sns/topicSubscription:TopicSubscription"], 1);
    assert.strictEqual(counts["aws:iam/serviceLinkedRole:ServiceLinkedRole"], undefined);
    assert.deepStrictEqual(
      {
        protocol: session.named("speed-alarm-email").inputs.protocol,
        endpoint: session.named("speed-alarm-email").inputs.endpoint,
      },
      { protocol: "email", endpoint: "ops@example.com" },
    );
  });

  it("configures a private, encrypted, fine-grained domain in exactly one subnet by default", async () => {
    const { session } = await build();
    const d = session.named("speed-domain");
    const key = session.named("speed-key");
    const i = d.inputs as any;
    assert.strictEqual(i.domainName, "datalake-test-speed");
    assert.strictEqual(i.engineVersion, "OpenSearch_2.19");
    assert.deepStrictEqual(i.clusterConfig, {
      instanceType: "t3.small.search",
      instanceCount: 1,
      zoneAwarenessEnabled: false,
      dedicatedMasterEnabled: false,
    });
    assert.deepStrictEqual(i.encryptAtRest, { enabled: true, kmsKeyId: key.outputs.arn });
    assert.deepStrictEqual(i.nodeToNodeEncryption, { enabled: true });
    assert.deepStrictEqual(i.domainEndpointOptions, {
      enforceHttps: true,
      tlsSecurityPolicy: TLS_SECURITY_POLICY,
    });
    assert.strictEqual(TLS_SECURITY_POLICY, "Policy-Min-TLS-1-2-PFS-2023-10");
    assert.strictEqual(i.advancedSecurityOptions.enabled, true);
    assert.strictEqual(i.advancedSecurityOptions.internalUserDatabaseEnabled, true);
    assert.strictEqual(i.advancedSecurityOptions.anonymousAuthEnabled, false);
    assert.deepStrictEqual(i.vpcOptions, {
      subnetIds: ["subnet-a"],
      securityGroupIds: [session.named("speed-domain-sg").id],
    });
    assert.deepStrictEqual(i.ebsOptions, { ebsEnabled: true, volumeType: "gp3", volumeSize: 10 });
    assert.deepStrictEqual(
      i.logPublishingOptions.map((o: any) => o.logType),
      ["INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS"],
    );
    assert.deepStrictEqual(json(i.accessPolicies), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "HttpThroughFineGrainedAccessControl",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: [
            "es:ESHttpGet",
            "es:ESHttpHead",
            "es:ESHttpPost",
            "es:ESHttpPut",
            "es:ESHttpDelete",
            "es:ESHttpPatch",
          ],
          Resource: "arn:aws:es:ap-northeast-1:123456789012:domain/datalake-test-speed/*",
        },
      ],
    });
    assert.notStrictEqual(d.protect, true);
    assert.strictEqual(key.inputs.enableKeyRotation, true);
  });

  it("uses zone awareness, dedicated masters and protection in a prod-like configuration", async () => {
    const { session } = await build({
      instanceType: "r7g.large.search",
      instanceCount: 3,
      availabilityZoneCount: 3,
      dedicatedMasterCount: 3,
      dedicatedMasterType: "m7g.large.search",
      protectStatefulResources: true,
    });
    const d = session.named("speed-domain");
    assert.deepStrictEqual((d.inputs as any).clusterConfig, {
      instanceType: "r7g.large.search",
      instanceCount: 3,
      zoneAwarenessEnabled: true,
      zoneAwarenessConfig: { availabilityZoneCount: 3 },
      dedicatedMasterEnabled: true,
      dedicatedMasterCount: 3,
      dedicatedMasterType: "m7g.large.search",
    });
    assert.deepStrictEqual((d.inputs as any).vpcOptions.subnetIds, ["subnet-a", "subnet-b", "subnet-c"]);
    for (const n of ["speed-domain", "speed-key", "speed-admin-secret"]) {
      const r = session.named(n);
      assert.deepStrictEqual([r.protect, r.retainOnDelete], [true, true], n);
    }
    // Protected: a deleted admin secret stays recoverable for 7 days (docs/teardown.md).
    assert.strictEqual(session.named("speed-admin-secret").inputs.recoveryWindowInDays, 7);
  });

  it("admits only the generator, the forwarder, the bootstrap and the probe to the domain on 443", async () => {
    const { session } = await build();
    const domainSg = session.named("speed-domain-sg");
    assert.deepStrictEqual(domainSg.inputs.ingress ?? [], []);
    const rules = session
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .map((r) => r.inputs as any);
    assert.deepStrictEqual(
      rules.map((r) => [r.securityGroupId, r.referencedSecurityGroupId, r.ipProtocol, r.fromPort, r.toPort]),
      [
        [domainSg.id, "sg-generator", "tcp", 443, 443],
        [domainSg.id, session.named("speed-forwarder-sg").id, "tcp", 443, 443],
        [domainSg.id, session.named("speed-bootstrap-sg").id, "tcp", 443, 443],
        [domainSg.id, session.named("speed-probe-sg").id, "tcp", 443, 443],
      ],
    );
    const egress = session
      .ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
      .map((r) => r.inputs as any);
    assert.ok(
      egress.every(
        (r) => r.referencedSecurityGroupId === domainSg.id && r.fromPort === 443 && r.cidrIpv4 === undefined,
      ),
    );
  });

  it("grants the generator exactly the log group lookup, its log group and _bulk on the domain", async () => {
    const { session } = await build();
    const grant = session.named("speed-generator-grants");
    assert.strictEqual(grant.inputs.role, "generator-role");
    assert.deepStrictEqual(json(grant.inputs.policy), {
      Version: "2012-10-17",
      Statement: [
        {
          // fluent-plugin-cloudwatch-logs looks the group up before writing; the action has no
          // resource type, so only "*" matches it (test/iam proves this against iam-data).
          Sid: "FindAppLogGroup",
          Effect: "Allow",
          Action: "logs:DescribeLogGroups",
          Resource: "*",
        },
        {
          Sid: "WriteAppLogGroup",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [
            "arn:aws:logs:ap-northeast-1:123456789012:log-group:/datalake/test/speed/app",
            "arn:aws:logs:ap-northeast-1:123456789012:log-group:/datalake/test/speed/app:log-stream:*",
          ],
        },
        {
          Sid: "BulkWriteDomain",
          Effect: "Allow",
          Action: ["es:ESHttpPost", "es:ESHttpPut"],
          Resource: "arn:aws:es:ap-northeast-1:123456789012:domain/datalake-test-speed/*",
        },
      ],
    });
  });

  it("creates the invoke permission for logs.<region> with the :* source ARN before the subscription filter", async () => {
    const { session } = await build();
    const permission = session.named("speed-forwarder-invoke");
    assert.deepStrictEqual(
      [
        permission.inputs.principal,
        permission.inputs.sourceArn,
        permission.inputs.action,
        permission.inputs.sourceAccount,
      ],
      [
        "logs.ap-northeast-1.amazonaws.com",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/datalake/test/speed/app:*",
        "lambda:InvokeFunction",
        "123456789012",
      ],
    );
    const filter = session.named("speed-subscription");
    assert.ok(
      filter.dependencies?.includes(permission.urn),
      "the subscription filter depends on the permission",
    );
    assert.strictEqual(filter.inputs.destinationArn, session.named("speed-forwarder").outputs.arn);
    assert.strictEqual(filter.inputs.filterPattern, "");
  });

  it("sends failed forwarder invocations to a KMS-encrypted queue after 2 retries", async () => {
    const { session } = await build();
    const cfg = session.named("speed-forwarder-async").inputs as any;
    const queue = session.named("speed-forwarder-dlq");
    assert.deepStrictEqual(
      [cfg.maximumRetryAttempts, cfg.destinationConfig],
      [2, { onFailure: { destination: queue.outputs.arn } }],
    );
    assert.deepStrictEqual(
      [queue.inputs.kmsMasterKeyId, queue.inputs.messageRetentionSeconds],
      [session.named("speed-key").outputs.arn, 1_209_600],
    );
    const fn = session.named("speed-forwarder").inputs as any;
    assert.deepStrictEqual(fn.environment.variables, {
      OPENSEARCH_ENDPOINT: session.named("speed-domain").outputs.endpoint,
      INDEX_PREFIX: "cwl",
      REQUEST_TIMEOUT_MS: "30000",
      // 5 MiB: under t3.small.search's 10 MiB payload quota and the forwarder's memory bound.
      BULK_MAX_BYTES: "5242880",
    });
    assert.deepStrictEqual(fn.vpcConfig.subnetIds, ["subnet-a", "subnet-b", "subnet-c"]);
  });

  it("counts the forwarder's rejected documents with a metric filter on its log group", async () => {
    const { session } = await build();
    const filter = session.named("speed-forwarder-rejected-filter").inputs as any;
    assert.deepStrictEqual(
      {
        name: filter.name,
        logGroupName: filter.logGroupName,
        pattern: filter.pattern,
        metricTransformation: filter.metricTransformation,
      },
      {
        name: "datalake-test-speed-forwarder-rejected-documents",
        logGroupName: session.named("speed-forwarder-logs").outputs.name,
        pattern: '{ ($.outcome = "rejected") && ($.part = 1) }',
        metricTransformation: {
          name: "ForwarderRejectedDocuments",
          namespace: "DataLake/test",
          value: "1",
          unit: "Count",
        },
      },
    );
    assert.strictEqual(REJECTED_DOCUMENTS_METRIC_NAME, "ForwarderRejectedDocuments");
    assert.strictEqual(metricNamespace("test"), "DataLake/test");
  });

  it("alarms on ≥ 50 ERROR events per minute through a KMS-encrypted topic", async () => {
    const { session } = await build();
    const filter = session.named("speed-error-filter").inputs as any;
    assert.strictEqual(filter.pattern, '{ $.alarmlevel = "ERROR" }');
    assert.deepStrictEqual(filter.metricTransformation, {
      name: "ErrorLogEvents",
      namespace: "DataLake/test",
      value: "1",
      unit: "Count",
    });
    const alarm = session.named("speed-error-alarm").inputs as any;
    const topic = session.named("speed-alarm-topic");
    assert.deepStrictEqual(
      [
        alarm.threshold,
        alarm.period,
        alarm.comparisonOperator,
        alarm.statistic,
        alarm.treatMissingData,
        alarm.alarmActions,
      ],
      [50, 60, "GreaterThanOrEqualToThreshold", "Sum", "notBreaching", [topic.outputs.arn]],
    );
    assert.strictEqual(topic.inputs.kmsMasterKeyId, session.named("speed-key").outputs.arn);
    const keyPolicy = json(session.named("speed-key").inputs.policy);
    assert.deepStrictEqual(
      keyPolicy.Statement.find((s: any) => s.Sid === "CloudWatchAlarmsPublishToTopic").Principal,
      { Service: "cloudwatch.amazonaws.com" },
    );
  });

  it("encrypts every log group with the layer's key and applies the retention", async () => {
    const { session } = await build({ logRetentionDays: 30 });
    const key = session.named("speed-key").outputs.arn;
    for (const g of session.ofType("aws:cloudwatch/logGroup:LogGroup")) {
      assert.deepStrictEqual([g.inputs.kmsKeyId, g.inputs.retentionInDays], [key, 30], String(g.inputs.name));
    }
  });

  it("runs the bootstrap after the domain, with a secret payload and triggers that follow the settings", async () => {
    const { session } = await build({ indexRetentionDays: 21 });
    const run = session.named("speed-bootstrap-run");
    assert.ok(run.dependencies?.includes(session.named("speed-domain").urn));
    // The payload is a secret: the state holds it encrypted ({ sig, plaintext } in an export).
    const input = run.inputs.input as Record<string, string>;
    assert.strictEqual(input["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
    const payload = json(JSON.parse(String(input.plaintext)));
    assert.deepStrictEqual(payload.settings, {
      writerRole: WRITER_ROLE,
      writerBackendRoles: [GENERATOR_ROLE_ARN, session.named("speed-forwarder-role").outputs.arn],
      readerRole: READER_ROLE,
      readerBackendRoles: [session.named("speed-probe-role").outputs.arn],
      indexPrefixes: ["testappec2log", "cwl"],
      retentionDays: 21,
      replicas: 0,
      ismPolicyId: ISM_POLICY_ID,
    });
    assert.strictEqual(payload.password, session.named("speed-admin-password").outputs.result);
    assert.deepStrictEqual(Object.keys(run.inputs.triggers as object).sort(), ["code", "domain", "settings"]);
    const other = await build({ indexRetentionDays: 22 });
    assert.notStrictEqual(
      (other.session.named("speed-bootstrap-run").inputs.triggers as any).settings,
      (run.inputs.triggers as any).settings,
    );
  });

  it("gives a format of its own to the forwarder (EVENT_SCHEMA) and to the templates (declaredFields)", async () => {
    const hands = await build();
    const { session } = await build({ eventSchema: WEB_SCHEMA });
    const fn = session.named("speed-forwarder").inputs as any;
    assert.deepStrictEqual(fn.environment.variables, {
      OPENSEARCH_ENDPOINT: session.named("speed-domain").outputs.endpoint,
      INDEX_PREFIX: "cwl",
      REQUEST_TIMEOUT_MS: "30000",
      BULK_MAX_BYTES: "5242880",
      EVENT_SCHEMA: JSON.stringify(WEB_SCHEMA),
    });
    const run = session.named("speed-bootstrap-run");
    const settings = json(
      JSON.parse(String((run.inputs.input as Record<string, string>).plaintext)),
    ).settings;
    assert.deepStrictEqual(settings.declaredFields, declaredFieldsOf(WEB_SCHEMA));
    const handsRun = hands.session.named("speed-bootstrap-run");
    const handsSettings = json(
      JSON.parse(String((handsRun.inputs.input as Record<string, string>).plaintext)),
    );
    assert.ok(!("declaredFields" in handsSettings.settings));
    assert.notStrictEqual((run.inputs.triggers as any).settings, (handsRun.inputs.triggers as any).settings);
  });

  it("deploys the verify probe in the VPC with a search-only role and no other way in", async () => {
    const { session, layer } = await build();
    const probe = session.named("speed-probe");
    const i = probe.inputs as any;
    assert.strictEqual(i.name, "datalake-test-speed-probe");
    assert.deepStrictEqual(i.vpcConfig, {
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      securityGroupIds: [session.named("speed-probe-sg").id],
    });
    assert.strictEqual(
      i.environment.variables.PROBE_ENDPOINT,
      session.named("speed-domain").outputs.endpoint,
    );
    assert.strictEqual(await unwrap(layer.probeFunctionName), session.named("speed-probe").outputs.name);
    // Invoked synchronously by verify only: no permission for any service, no async invoke config.
    assert.ok(
      session
        .ofType("aws:lambda/permission:Permission")
        .every((p) => (p.inputs as any).function !== session.named("speed-probe").outputs.name),
    );
    const policy = json(session.named("speed-probe-policy").inputs.policy);
    const search = policy.Statement.find((st: any) => st.Sid === "SearchLogIndices");
    assert.deepStrictEqual(search.Action, ["es:ESHttpGet", "es:ESHttpPost"]);
    assert.deepStrictEqual(search.Resource, [
      "arn:aws:es:ap-northeast-1:123456789012:domain/datalake-test-speed/testappec2log-*/_search",
      "arn:aws:es:ap-northeast-1:123456789012:domain/datalake-test-speed/cwl-*/_search",
    ]);
  });

  it("prints the SSM port-forwarding command through the generator", async () => {
    const { layer, session } = await build();
    const host = session.named("speed-domain").outputs.endpoint;
    assert.strictEqual(
      await unwrap(layer.dashboardsPortForwardCommand),
      `aws ssm start-session --region ap-northeast-1 --target i-0123456789abcdef0 --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '{"host":["${host}"],"portNumber":["443"],"localPortNumber":["8443"]}'`,
    );
    assert.strictEqual(layer.dashboardsUrl, "https://localhost:8443/_dashboards/");
  });

  const bad: [Partial<SpeedLayerArgs>, string][] = [
    [{ availabilityZoneCount: 4 as never }, "SpeedLayer speed: availabilityZoneCount is 4; use 1, 2 or 3."],
    [
      { availabilityZoneCount: 2, instanceCount: 3 },
      "SpeedLayer speed: instanceCount is 3; use a positive multiple of availabilityZoneCount (2).",
    ],
    [{ dedicatedMasterCount: 2 as never }, "SpeedLayer speed: dedicatedMasterCount is 2; use 0, 3 or 5."],
    [
      { logRetentionDays: 10 },
      "SpeedLayer speed: logRetentionDays is 10; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.",
    ],
    [
      { alarmPeriodSeconds: 45 },
      "SpeedLayer speed: alarmPeriodSeconds is 45; use 10, 30 or a multiple of 60.",
    ],
    [{ forwarderMaxRetryAttempts: 3 }, "SpeedLayer speed: forwarderMaxRetryAttempts is 3; use 0, 1 or 2."],
  ];
  it("rejects a format too large for the forwarder's 4 KB environment, in one sentence", async () => {
    await mockSession();
    const huge: EventSchema = {
      ...WEB_SCHEMA,
      fields: [
        ...WEB_SCHEMA.fields,
        ...Array.from({ length: 50 }, (_v, i) => ({
          name: `field_${i}_${"x".repeat(40)}`,
          type: "string" as const,
        })),
      ],
    };
    assert.throws(
      () => new SpeedLayer("speed", { ...NETWORK, eventSchema: huge }),
      (e: Error) =>
        /^SpeedLayer speed: eventSchema \(datalake:format\) is 4\d{3} bytes as the forwarder's EVENT_SCHEMA variable, which brings the function's environment to 5\d{3} bytes \(with the longest endpoint\), over Lambda's 4096 bytes for all of a function's variables \(https:\/\/docs\.aws\.amazon\.com\/lambda\/latest\/dg\/configuration-envvars\.html\): shorten the format's name, field names or pattern by \d+ bytes\.$/.test(
          e.message,
        ),
    );
  });

  for (const [patch, message] of bad) {
    it(`rejects ${JSON.stringify(patch)}`, async () => {
      await mockSession();
      assert.throws(() => new SpeedLayer("speed", { ...NETWORK, ...patch }), { message });
    });
  }
});
