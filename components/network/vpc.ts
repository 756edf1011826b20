/**
 * The VPC of the data lake and its S3 gateway endpoint. Plain functions rather than child
 * components: every resource keeps the logical name and the parent (the NetworkWithGenerator) it
 * had when this code lived in the constructor, so no URN changes and no alias is needed.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";

/** What {@link createVpc} needs. */
export interface VpcInputs {
  /** The NetworkWithGenerator, parent of every resource created here. */
  readonly parent: pulumi.Resource;
  /** The component's name; children are named `${name}-<role>`. */
  readonly name: string;
  readonly cidrBlock: string;
  readonly availabilityZones: number;
  readonly natGateways: "None" | "Single" | "OnePerAz";
}

/** What the later units need from the VPC. */
export interface VpcOutputs {
  readonly vpcId: pulumi.Output<string>;
  /** Public subnets (one per zone). */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Workload subnets (one per zone): private with NAT, isolated without. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
}

/**
 * An awsx VPC with a public tier and one workload tier. Without NAT the workload tier is
 * "Isolated" (no route out, no NAT charge); with NAT it is "Private" with egress through it.
 */
export function createVpc(inputs: VpcInputs): VpcOutputs {
  const { parent, name } = inputs;
  const workloadTier = inputs.natGateways === "None" ? "Isolated" : "Private";
  const vpc = new awsx.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: inputs.cidrBlock,
      numberOfAvailabilityZones: inputs.availabilityZones,
      natGateways: { strategy: inputs.natGateways },
      subnetStrategy: "Auto",
      subnetSpecs: [{ type: "Public" }, { type: workloadTier }],
      enableDnsHostnames: true,
      enableDnsSupport: true,
    },
    { parent },
  );
  return {
    vpcId: vpc.vpcId,
    publicSubnetIds: vpc.publicSubnetIds,
    privateSubnetIds: workloadTier === "Isolated" ? vpc.isolatedSubnetIds : vpc.privateSubnetIds,
  };
}

/** What {@link createS3GatewayEndpoint} needs. */
export interface S3GatewayEndpointInputs {
  readonly parent: pulumi.Resource;
  readonly name: string;
  readonly vpcId: pulumi.Output<string>;
  /** The stack's region (the endpoint's service name contains it). */
  readonly region: pulumi.Output<string>;
}

/**
 * The S3 gateway endpoint is free and keeps lake traffic (and dnf's S3-hosted repositories) off
 * NAT. It is attached to every route table of the VPC, read once the VPC component is done.
 */
export function createS3GatewayEndpoint(inputs: S3GatewayEndpointInputs): void {
  const { parent, name, vpcId, region } = inputs;
  const routeTableIds = aws.ec2.getRouteTablesOutput({ vpcId }, { parent }).ids;
  new aws.ec2.VpcEndpoint(
    `${name}-s3-endpoint`,
    {
      vpcId,
      serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds,
      tags: { Name: `${name}-s3` },
    },
    { parent },
  );
}
