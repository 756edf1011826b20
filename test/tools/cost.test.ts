import * as assert from "assert";
import * as os from "os";
import * as path from "path";
import { SpeedLayer, SpeedLayerArgs } from "../../components/speed";
import { PriceTableError, costReport, estimateCost, formatCost, loadPrices } from "../../tools/offline/cost";
import { StateResource } from "../../tools/offline/recorder";
import { mockSession, unwrap } from "../helpers/mocks";

const P = loadPrices("ap-northeast-1");
const H = P.hoursPerMonth;
const STACK = "urn:pulumi:dev::datalake::pulumi:pulumi:Stack::datalake-dev";
const NET = "urn:pulumi:dev::datalake::datalake:network:NetworkWithGenerator::network";
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);

function res(type: string, name: string, inputs: Record<string, unknown>, parent = NET): StateResource {
  return { urn: `${parent}$${type}::${name}`, custom: true, type, inputs, outputs: {}, parent };
}
const stack: StateResource = {
  urn: STACK,
  custom: false,
  type: "pulumi:pulumi:Stack",
  inputs: {},
  outputs: {},
};
const network: StateResource = {
  urn: NET,
  custom: false,
  type: "datalake:network:NetworkWithGenerator",
  inputs: {},
  outputs: {},
  parent: STACK,
};
const instance = (instanceType: string, extra: Record<string, unknown> = {}) =>
  res("aws:ec2/instance:Instance", "network-generator", {
    instanceType,
    rootBlockDevice: { volumeSize: 8, volumeType: "gp3" },
    ...extra,
  });
const vpc = (strategy: string) =>
  res("awsx:ec2:Vpc", "network-vpc", { natGateways: { strategy }, numberOfAvailabilityZones: 3 });
const total = (...rs: StateResource[]) => estimateCost([stack, network, ...rs], P).total;

describe("cost estimate", () => {
  it("prices an instance, its root volume and its public IPv4 address from the table", () => {
    const e = estimateCost([stack, network, instance("t4g.micro", { associatePublicIpAddress: true })], P);
    const expected = P.ec2InstanceHourly["t4g.micro"] * H + 8 * P.ebsGbMonth.gp3 + P.publicIpv4Hourly * H;
    close(e.total, expected, "total");
    assert.deepStrictEqual([...e.byComponent.keys()], ["network (datalake:network:NetworkWithGenerator)"]);
    assert.deepStrictEqual(e.unpriced, []);
  });

  it("changes by the price difference when the instance type changes", () => {
    const delta = total(instance("t4g.small")) - total(instance("t4g.micro"));
    close(delta, (P.ec2InstanceHourly["t4g.small"] - P.ec2InstanceHourly["t4g.micro"]) * H, "delta");
  });

  it("counts NAT gateways and their Elastic IPs from the awsx VPC's strategy", () => {
    close(total(vpc("None")), 0, "None");
    close(total(vpc("Single")), (P.natGatewayHourly + P.publicIpv4Hourly) * H, "Single");
    close(total(vpc("OnePerAz")), 3 * (P.natGatewayHourly + P.publicIpv4Hourly) * H, "OnePerAz");
  });

  it("counts the NAT gateways of a real export once, not again from the VPC's inputs", () => {
    const nat = res("aws:ec2/natGateway:NatGateway", "network-vpc-nat-1", {});
    const eip = res("aws:ec2/eip:Eip", "network-vpc-eip-1", {});
    close(total(vpc("OnePerAz"), nat, eip), (P.natGatewayHourly + P.publicIpv4Hourly) * H, "one NAT + EIP");
  });

  it("bills interface endpoints per zone and gateway endpoints not at all", () => {
    const iface = res("aws:ec2/vpcEndpoint:VpcEndpoint", "glue", {
      vpcEndpointType: "Interface",
      subnetIds: ["a", "b"],
    });
    const gateway = res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway" });
    close(total(iface, gateway), 2 * P.interfaceEndpointHourlyPerAz * H, "endpoints");
  });

  it("prices keys, secrets (also Redshift's managed one), alarms by resolution and dashboards", () => {
    const rs = [
      res("aws:kms/key:Key", "k", {}),
      res("aws:secretsmanager/secret:Secret", "s", {}),
      res("aws:redshiftserverless/namespace:Namespace", "ns", { manageAdminPassword: true }),
      res("aws:cloudwatch/metricAlarm:MetricAlarm", "a1", { period: 60 }),
      res("aws:cloudwatch/metricAlarm:MetricAlarm", "a2", { period: 10 }),
      res("aws:cloudwatch/dashboard:Dashboard", "d", {}),
      res("aws:redshiftserverless/workgroup:Workgroup", "wg", { baseCapacity: 8 }),
    ];
    const expected =
      P.kmsKeyMonth +
      2 * P.secretMonth +
      P.alarmMonth.standard +
      P.alarmMonth.highResolution +
      P.dashboardMonth;
    close(total(...rs), expected, "total");
    const wg = estimateCost([stack, network, ...rs], P).lines.find((l) => l.resource === "wg");
    assert.strictEqual(wg?.monthly, 0, "Redshift Serverless costs nothing at idle");
    assert.match(wg!.item, new RegExp(`8 RPU × \\$${P.redshiftServerlessRpuHour}`));
  });

  it("names what it cannot price instead of counting it as free", () => {
    const e = estimateCost([stack, network, instance("x9.huge")], P);
    assert.deepStrictEqual(e.unpriced, [
      "network-generator: no ap-northeast-1 price for EC2 instance type x9.huge; add it to the price table",
    ]);
    close(e.total, 8 * P.ebsGbMonth.gp3, "the volume only");
    assert.match(
      formatCost(e),
      /total: \$0\.77 \(plus the unpriced items below\)\n {2}not priced: network-generator/,
    );
  });

  it("says in one sentence when the region has no price table", () => {
    assert.throws(() => loadPrices("eu-west-3", path.join(os.tmpdir())), PriceTableError);
    assert.match(
      costReport("xx-nowhere-1", [stack]),
      /^Monthly cost at idle: not estimated, no price table for region xx-nowhere-1: add .*xx-nowhere-1\.json/,
    );
  });

  it("follows the SpeedLayer's config: one more data node adds its hours and its volume", async function () {
    this.timeout(60_000);
    const args: SpeedLayerArgs = {
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      generatorSecurityGroupId: "sg-generator",
      generatorRoleName: "generator-role",
      generatorRoleArn: "arn:aws:iam::123456789012:role/generator-role",
      generatorInstanceId: "i-0123456789abcdef0",
    };
    const render = async (patch: Partial<SpeedLayerArgs>) => {
      const session = await mockSession();
      const layer = new SpeedLayer("speed", { ...args, ...patch });
      await unwrap(layer.domainEndpoint);
      return estimateCost(await session.settle(), P);
    };
    const one = await render({ instanceCount: 1, volumeSizeGiB: 20 });
    const two = await render({ instanceCount: 2, volumeSizeGiB: 20 });
    const masters = await render({ instanceCount: 2, volumeSizeGiB: 20, dedicatedMasterCount: 3 });
    assert.deepStrictEqual([...one.byComponent.keys()], ["speed (datalake:speed:SpeedLayer)"]);
    close(
      two.total - one.total,
      P.opensearchInstanceHourly["t3.small.search"] * H + 20 * P.opensearchGp3GbMonth,
      "node",
    );
    close(masters.total - two.total, 3 * P.opensearchInstanceHourly["m6g.large.search"] * H, "masters");
  });
});
