/** Mocks for NetworkWithGenerator: the awsx VPC (a remote component), EC2, IAM, SSM. */
import { defineCallMocks, defineTypeMocks, deterministicHex } from "./registry";

const arn = (partition: string, service: string, region: string, account: string, resource: string) =>
  `arn:${partition}:${service}:${region}:${account}:${resource}`;

defineTypeMocks({
  // awsx >= 1 is a multi-language component: under mocks it registers as one resource with no
  // children, so its outputs come from here (three tiers, one subnet per zone and tier).
  "awsx:ec2:Vpc": {
    id: () => "",
    outputs: (ctx) => {
      const zones: number = ctx.inputs.numberOfAvailabilityZones ?? 3;
      const tiers: string[] = (ctx.inputs.subnetSpecs ?? []).map((s: { type: string }) => s.type);
      const subnets = (tier: string) =>
        tiers.includes(tier)
          ? Array.from(
              { length: zones },
              (_v, i) => `subnet-${deterministicHex(`${ctx.name}/${tier}/${i}`, 17)}`,
            )
          : [];
      const vpcId = `vpc-${ctx.hex(17)}`;
      return {
        vpcId,
        publicSubnetIds: subnets("Public"),
        privateSubnetIds: subnets("Private"),
        isolatedSubnetIds: subnets("Isolated"),
      };
    },
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    id: "vpce",
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "ec2", ctx.region, ctx.accountId, `vpc-endpoint/${s.id}`),
      prefixListId: `pl-${ctx.hex(8)}`,
      state: "available",
      ownerId: ctx.accountId,
    }),
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    autoName: "name",
    id: "sg",
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "ec2", ctx.region, ctx.accountId, `security-group/${s.id}`),
      ownerId: ctx.accountId,
    }),
  },
  "aws:ec2/instance:Instance": {
    id: "i",
    outputs: (ctx, s) => {
      const ip = (seed: string, first: number) => {
        const h = deterministicHex(`${ctx.name}/${seed}`, 4);
        return `${first}.${parseInt(h.slice(0, 2), 16) % 250}.${parseInt(h.slice(2, 4), 16) % 250}.${(ctx.name.length % 200) + 10}`;
      };
      return {
        arn: arn(ctx.partition, "ec2", ctx.region, ctx.accountId, `instance/${s.id}`),
        privateIp: ip("private", 10),
        publicIp: ctx.inputs.associatePublicIpAddress ? ip("public", 54) : "",
        primaryNetworkInterfaceId: `eni-${ctx.hex(17)}`,
        instanceState: "running",
        availabilityZone: `${ctx.region}a`,
      };
    },
  },
  "aws:iam/role:Role": {
    autoName: "name",
    autoNameMaxLength: 64,
    outputs: (ctx, s) => ({
      arn: `arn:${ctx.partition}:iam::${ctx.accountId}:role/${s.name}`,
      uniqueId: `AROA${ctx.hex(17).toUpperCase()}`,
      createDate: "2026-01-01T00:00:00Z",
    }),
  },
  "aws:iam/rolePolicy:RolePolicy": {
    autoName: "name",
    id: (_ctx, s) => `${s.role}:${s.name}`,
  },
  "aws:iam/instanceProfile:InstanceProfile": {
    autoName: "name",
    outputs: (ctx, s) => ({
      arn: `arn:${ctx.partition}:iam::${ctx.accountId}:instance-profile/${s.name}`,
      uniqueId: `AIPA${ctx.hex(17).toUpperCase()}`,
    }),
  },
  "aws:iam/policy:Policy": {
    autoName: "name",
    outputs: (ctx, s) => ({
      arn: `arn:${ctx.partition}:iam::${ctx.accountId}:policy/${s.name}`,
      policyId: `ANPA${ctx.hex(17).toUpperCase()}`,
    }),
    id: (ctx, s) => `arn:${ctx.partition}:iam::${ctx.accountId}:policy/${s.name}`,
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    id: (ctx) => `${ctx.inputs.role}-${ctx.hex(20)}`,
  },
  "aws:ssm/document:Document": {
    autoName: "name",
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "ssm", ctx.region, ctx.accountId, `document/${s.name}`),
      hash: ctx.hex(64),
      hashType: "Sha256",
      documentVersion: "1",
      latestVersion: "1",
      defaultVersion: "1",
      owner: ctx.accountId,
      status: "Active",
    }),
  },
  "aws:ssm/parameter:Parameter": {
    autoName: "name",
    outputs: (ctx, s) => ({
      arn: arn(
        ctx.partition,
        "ssm",
        ctx.region,
        ctx.accountId,
        `parameter${String(s.name).startsWith("/") ? "" : "/"}${s.name}`,
      ),
      version: 1,
    }),
  },
  "aws:ssm/association:Association": {
    id: (ctx) =>
      `${ctx.hex(8)}-${ctx.hex(12).slice(0, 4)}-${ctx.hex(16).slice(4, 8)}-${ctx.hex(20).slice(8, 12)}-${ctx.hex(32).slice(12, 24)}`,
    outputs: (ctx, s) => ({
      associationId: s.id,
      arn: arn(ctx.partition, "ssm", ctx.region, ctx.accountId, `association/${s.id}`),
    }),
  },
});

defineCallMocks({
  // Public AMI parameters resolve to an AMI id; any other parameter is unknown here.
  "aws:ssm/getParameter:getParameter": (inputs, ctx) => {
    const name = String(inputs.name);
    if (!name.startsWith("/aws/service/ami-amazon-linux-latest/")) {
      throw new Error(`offline mocks: no value for SSM parameter ${name}`);
    }
    return {
      name,
      type: "String",
      value: `ami-${deterministicHex(`${ctx.region}${name}`, 17)}`,
      version: 1,
      arn: `arn:aws:ssm:${ctx.region}::parameter${name}`,
      id: name,
    };
  },
  "aws:ec2/getRouteTables:getRouteTables": (inputs) => ({
    ids: ["main", "public", "workload"].map((t) => `rtb-${deterministicHex(`${inputs.vpcId}/${t}`, 17)}`),
    id: String(inputs.vpcId),
  }),
});
