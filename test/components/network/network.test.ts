import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { createHash } from "crypto";
import { heartbeatCadenceProblem } from "../../../components/network/alarms";
import { Cadence } from "../../../components/network/generator/lines";
import { GeneratorAgent, NetworkWithGenerator } from "../../../components/network";
import { agentParameterArn, agentParameterName } from "../../../components/network/agentDelivery";
import { SSM_AGENT_ACTIONS } from "../../../components/network/instance";
import { json, mockSession, unwrap } from "../../helpers/mocks";

const COMPONENT = "datalake:network:NetworkWithGenerator";

function countByType(resources: readonly { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

describe("NetworkWithGenerator", () => {
  describe("with defaults", () => {
    let session: Awaited<ReturnType<typeof mockSession>>;
    let network: NetworkWithGenerator;

    before(async () => {
      session = await mockSession();
      network = new NetworkWithGenerator("net");
      await unwrap(network.generatorInstanceId);
      await session.settle();
    });

    it("registers exactly the expected children", () => {
      assert.deepStrictEqual(countByType(session.recorder.resources), {
        [COMPONENT]: 1,
        "awsx:ec2:Vpc": 1,
        "aws:ec2/vpcEndpoint:VpcEndpoint": 1,
        "aws:ec2/securityGroup:SecurityGroup": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:iam/instanceProfile:InstanceProfile": 1,
        "aws:ssm/document:Document": 1,
        "aws:ec2/instance:Instance": 1,
      });
    });

    it("parents every child to the component", () => {
      for (const name of [
        "net-vpc",
        "net-s3-endpoint",
        "net-generator-sg",
        "net-generator-role",
        "net-generator-base",
        "net-generator-profile",
        "net-agent-document",
        "net-generator",
      ]) {
        const r = session.named(name);
        assert.ok(r.urn.includes(`${COMPONENT}$`), r.urn);
        assert.ok(r.parent?.endsWith(`${COMPONENT}::net`), `${name} parent ${r.parent}`);
      }
    });

    it("builds a three-zone VPC without NAT: public and isolated subnets", () => {
      assert.deepStrictEqual(session.named("net-vpc").inputs, {
        cidrBlock: "10.0.0.0/16",
        numberOfAvailabilityZones: 3,
        natGateways: { strategy: "None" },
        subnetStrategy: "Auto",
        subnetSpecs: [{ type: "Public" }, { type: "Isolated" }],
        enableDnsHostnames: true,
        enableDnsSupport: true,
      });
    });

    it("exposes the isolated subnets as the workload subnets", async () => {
      const vpc = session.named("net-vpc").outputs as { isolatedSubnetIds: string[] };
      assert.deepStrictEqual(await unwrap(network.privateSubnetIds), vpc.isolatedSubnetIds);
      assert.strictEqual(vpc.isolatedSubnetIds.length, 3);
    });

    it("adds a free S3 gateway endpoint on every route table of the VPC", () => {
      const ep = session.named("net-s3-endpoint").inputs;
      assert.strictEqual(ep.serviceName, "com.amazonaws.ap-northeast-1.s3");
      assert.strictEqual(ep.vpcEndpointType, "Gateway");
      assert.strictEqual((ep.routeTableIds as string[]).length, 3);
    });

    it("opens no inbound port and only HTTPS out", () => {
      const sg = session.named("net-generator-sg").inputs;
      assert.deepStrictEqual(sg.ingress, []);
      assert.deepStrictEqual(sg.egress, [
        {
          description: "HTTPS to AWS APIs, OpenSearch and package repositories",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
        },
      ]);
    });

    it("runs AL2023 with IMDSv2 required, an encrypted root volume, no key pair, a public IP but no inbound rule", () => {
      const i = session.named("net-generator").inputs;
      assert.match(String(i.ami), /^ami-[0-9a-f]{17}$/);
      assert.strictEqual(i.instanceType, "t4g.micro");
      assert.deepStrictEqual(i.metadataOptions, {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      });
      assert.deepStrictEqual(i.rootBlockDevice, {
        encrypted: true,
        volumeType: "gp3",
        volumeSize: 8,
        deleteOnTermination: true,
      });
      assert.strictEqual(i.keyName, undefined);
      assert.strictEqual(i.associatePublicIpAddress, true);
      assert.strictEqual(i.userDataReplaceOnChange, true);
      const publicSubnets = (session.named("net-vpc").outputs as { publicSubnetIds: string[] })
        .publicSubnetIds;
      assert.strictEqual(i.subnetId, publicSubnets[0]);
    });

    it("gives the role an EC2 trust policy and only the SSM agent plus its own parameter", () => {
      assert.deepStrictEqual(json(session.named("net-generator-role").inputs.assumeRolePolicy), {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      });
      assert.deepStrictEqual(json(session.named("net-generator-base").inputs.policy), {
        Version: "2012-10-17",
        Statement: [
          { Sid: "SsmAgent", Effect: "Allow", Action: SSM_AGENT_ACTIONS, Resource: "*" },
          {
            Sid: "ReadAgentConfig",
            Effect: "Allow",
            Action: ["ssm:GetParameter"],
            Resource: "arn:aws:ssm:ap-northeast-1:123456789012:parameter/datalake/test/net/fluentd.conf",
          },
        ],
      });
      assert.strictEqual(network.agentParameterName, "/datalake/test/net/fluentd.conf");
    });

    it("attaches no managed policy at all (no *FullAccess, no account-wide GetParameter)", () => {
      assert.strictEqual(session.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
      assert.strictEqual(session.named("net-generator-role").inputs.managedPolicyArns, undefined);
    });

    it("creates the instance after its role can read the agent parameter", () => {
      const instance = session.named("net-generator");
      assert.ok(instance.dependencies?.includes(session.named("net-generator-base").urn));
    });
  });

  it("places the generator in a private subnet without a public IP when NAT exists", async () => {
    const session = await mockSession();
    const network = new NetworkWithGenerator("net", {
      natGateways: "OnePerAz",
      generatorSubnet: "private",
      generatorInstanceType: "t3.small",
      rootVolumeGiB: 20,
    });
    await unwrap(network.generatorInstanceId);
    await session.settle();
    const vpc = session.named("net-vpc");
    assert.deepStrictEqual(vpc.inputs.subnetSpecs, [{ type: "Public" }, { type: "Private" }]);
    assert.deepStrictEqual(vpc.inputs.natGateways, { strategy: "OnePerAz" });
    const i = session.named("net-generator").inputs;
    assert.strictEqual(i.associatePublicIpAddress, false);
    assert.strictEqual(i.subnetId, (vpc.outputs as { privateSubnetIds: string[] }).privateSubnetIds[0]);
    assert.strictEqual((i.rootBlockDevice as { volumeSize: number }).volumeSize, 20);
    assert.strictEqual(i.instanceType, "t3.small");
  });

  const badArgs: [string, ConstructorParameters<typeof NetworkWithGenerator>[1], string][] = [
    [
      "a private generator without NAT",
      { generatorSubnet: "private" },
      'NetworkWithGenerator net: generatorSubnet "private" needs natGateways "Single" or "OnePerAz" (it is "None"), or the instance cannot install its agent; use generatorSubnet "public" instead.',
    ],
    [
      "four zones",
      { availabilityZones: 4 },
      "NetworkWithGenerator net: availabilityZones is 4; use 1, 2 or 3.",
    ],
    [
      "a 4 GiB root volume",
      { rootVolumeGiB: 4 },
      "NetworkWithGenerator net: rootVolumeGiB is 4; the AL2023 image needs at least 8.",
    ],
    [
      "a zero interval",
      { cadence: { linesPerInterval: 1, intervalSeconds: 0, burstLines: 0, burstIntervalSeconds: 0 } },
      "cadence.intervalSeconds is 0; it must be an integer from 1 to 86400.",
    ],
  ];
  for (const [title, args, message] of badArgs) {
    it(`rejects ${title} before registering any child`, async () => {
      const session = await mockSession();
      assert.throws(() => new NetworkWithGenerator("net", args), { message });
      const resources = await session.settle();
      assert.strictEqual(resources.filter((r) => r.type !== COMPONENT).length, 0);
    });
  }
});

describe("agent parameter address", () => {
  const cases: [string, string, string, string][] = [
    ["datalake", "dev", "network", "/datalake/dev/network/fluentd.conf"],
    ["lake-b", "prod-eu", "net", "/lake-b/prod-eu/net/fluentd.conf"],
  ];
  for (const [project, stack, name, expected] of cases) {
    it(`names the parameter of ${project}/${stack}/${name} ${expected}`, () =>
      assert.strictEqual(agentParameterName(project, stack, name), expected));
  }

  it("builds the ARN from the partition, region and account without doubling the slash", async () => {
    const arn = agentParameterArn({
      parameterName: "/datalake/prod/net/fluentd.conf",
      partition: pulumi.output("aws-cn"),
      region: pulumi.output("cn-north-1"),
      accountId: pulumi.output("210987654321"),
    });
    assert.strictEqual(
      await unwrap(arn),
      "arn:aws-cn:ssm:cn-north-1:210987654321:parameter/datalake/prod/net/fluentd.conf",
    );
  });
});

describe("GeneratorAgent", () => {
  it("writes the rendered config to the parameter and applies it by association keyed on its hash", async () => {
    const session = await mockSession();
    const agent = new GeneratorAgent("agent", {
      instanceId: "i-0123456789abcdef0",
      documentName: "apply-doc",
      parameterName: "/datalake/test/net/fluentd.conf",
      destinations: { firehose: { deliveryStreamName: "stream-1", region: "ap-northeast-1" } },
    });
    const text = await unwrap(agent.configText);
    await session.settle();
    assert.ok(text.includes("delivery_stream_name stream-1"));
    const parameter = session.named("agent-config");
    assert.deepStrictEqual(parameter.inputs, {
      name: "/datalake/test/net/fluentd.conf",
      description: "fluentd configuration of the log generator (rendered by the stack)",
      type: "String",
      tier: "Intelligent-Tiering",
      // pulumi-aws always treats a parameter value as secret; the state keeps it encrypted.
      value: {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        plaintext: JSON.stringify(text),
      },
    });
    const association = session.named("agent-apply");
    assert.deepStrictEqual(association.inputs, {
      name: "apply-doc",
      targets: [{ key: "InstanceIds", values: ["i-0123456789abcdef0"] }],
      parameters: {
        ConfigParameterName: "/datalake/test/net/fluentd.conf",
        ConfigHash: createHash("sha256").update(text).digest("hex"),
      },
      scheduleExpression: "rate(30 minutes)",
      complianceSeverity: "HIGH",
      waitForSuccessTimeoutSeconds: 1800,
    });
    assert.ok(
      association.dependencies?.includes(parameter.urn),
      "the parameter exists before the association runs",
    );
  });

  it("a different destination changes the hash (re-runs the association), not the instance", async () => {
    const hashes: string[] = [];
    for (const stream of ["a", "b"]) {
      const session = await mockSession();
      new GeneratorAgent("agent", {
        instanceId: "i-1",
        documentName: "d",
        parameterName: "/p",
        destinations: { firehose: { deliveryStreamName: stream, region: "ap-northeast-1" } },
      });
      await session.settle();
      hashes.push((session.named("agent-apply").inputs.parameters as { ConfigHash: string }).ConfigHash);
      assert.strictEqual(session.ofType("aws:ec2/instance:Instance").length, 0);
    }
    assert.notStrictEqual(hashes[0], hashes[1]);
  });

  it("creates the heartbeat alarm only after the association's first run succeeded on the instance", async () => {
    const session = await mockSession();
    new GeneratorAgent("generator-agent", {
      instanceId: "i-1",
      documentName: "d",
      parameterName: "/p",
      destinations: { firehose: { deliveryStreamName: "s", region: "ap-northeast-1" } },
      operationsTopicArn: "arn:aws:sns:ap-northeast-1:123456789012:ops",
      heartbeatLogGroupName: "/datalake/test/speed/app",
    });
    await session.settle();
    const association = session.named("generator-agent-apply");
    const alarm = session.named("generator-agent-app-log-heartbeat");
    // Before: the alarm existed from the SpeedLayer on, 20-40 minutes before the agent shipped a
    // line, and treated that silence as breaching. Now the association's create waits for the
    // run's Success, and the alarm depends on it.
    assert.strictEqual(association.inputs.waitForSuccessTimeoutSeconds, 1800);
    assert.ok(alarm.dependencies?.includes(association.urn), "the alarm depends on the association");
    assert.deepStrictEqual(
      [
        alarm.inputs.name,
        alarm.inputs.metricName,
        alarm.inputs.dimensions,
        alarm.inputs.evaluationPeriods,
        alarm.inputs.treatMissingData,
      ],
      [
        "datalake-test-generator-agent-app-log-heartbeat",
        "IncomingLogEvents",
        { LogGroupName: "/datalake/test/speed/app" },
        10,
        "breaching",
      ],
    );
  });

  it("rejects a heartbeat outside 2..1440 minutes in one sentence", async () => {
    await mockSession();
    assert.throws(
      () =>
        new GeneratorAgent("generator-agent", {
          instanceId: "i-1",
          documentName: "d",
          parameterName: "/p",
          destinations: {},
          operationsTopicArn: "arn:aws:sns:ap-northeast-1:123456789012:ops",
          heartbeatLogGroupName: "/g",
          heartbeatMinutes: 1,
        }),
      { message: "heartbeatMinutes is 1; use a whole number of minutes from 2 to 1440." },
    );
  });
});

describe("heartbeat against the generator's cadence", () => {
  const HANDS_ON = { linesPerInterval: 10, intervalSeconds: 120, burstLines: 300, burstIntervalSeconds: 600 };
  const table: [string, number, Cadence, string | undefined][] = [
    ["the hands-on cadence with 10 minutes", 10, HANDS_ON, undefined],
    [
      "a heartbeat as short as the interval",
      2,
      HANDS_ON,
      "datalake:ops.heartbeatMinutes is 2: it must be longer than generator.intervalSeconds (120 s), or the heartbeat alarm fires between two lines of the generator",
    ],
    // Lines then come only with the bursts: 10 minutes of silence between them is normal.
    [
      "bursts only, every 10 minutes, with a 10-minute heartbeat",
      10,
      { ...HANDS_ON, linesPerInterval: 0 },
      "datalake:ops.heartbeatMinutes is 10: it must be longer than generator.burstIntervalSeconds (600 s), the only lines when generator.linesPerInterval is 0, or the heartbeat alarm fires between two lines of the generator",
    ],
    ["bursts only, with an 11-minute heartbeat", 11, { ...HANDS_ON, linesPerInterval: 0 }, undefined],
    [
      "no line at all",
      10,
      { ...HANDS_ON, linesPerInterval: 0, burstLines: 0 },
      "the generator writes no line (generator.linesPerInterval and generator.burstLines are 0), so the heartbeat alarm would always fire; set one of them above 0",
    ],
  ];
  for (const [title, minutes, cadence, problem] of table) {
    it(`${problem ? "refuses" : "accepts"} ${title}`, () => {
      assert.strictEqual(heartbeatCadenceProblem(minutes, cadence), problem);
    });
  }
});
