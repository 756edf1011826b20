import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { agentParameterArn, agentParameterName, createAgentDocument } from "./agentDelivery";
import { Cadence, HANDS_ON_CADENCE, validateCadence } from "./generator/lines";
import { createGeneratorInstance, createGeneratorSecurityGroup } from "./generatorInstance";
import { architectureOf } from "./instance";
import { createGeneratorRole } from "./role";
import { createS3GatewayEndpoint, createVpc } from "./vpc";

export { GeneratorAgent, GeneratorAgentArgs } from "./generatorAgent";

/** Arguments of {@link NetworkWithGenerator}. */
export interface NetworkWithGeneratorArgs {
  /** IPv4 range of the VPC. @default "10.0.0.0/16" */
  readonly cidrBlock?: string;
  /** Availability zones the VPC spans. @default 3 — Redshift Serverless needs three. */
  readonly availabilityZones?: number;
  /**
   * NAT gateways for the private subnets. With "None" the workload subnets are isolated (no route
   * out), which is free; "Single" or "OnePerAz" make them private with egress through NAT.
   * @default "None"
   */
  readonly natGateways?: "None" | "Single" | "OnePerAz";
  /** EC2 instance type of the generator; the AMI's architecture follows it. @default "t4g.micro" */
  readonly generatorInstanceType?: string;
  /**
   * Subnet tier of the generator. "public" gives it a public IP (still no inbound rule) so it
   * needs no NAT; "private" needs natGateways other than "None". @default "public"
   */
  readonly generatorSubnet?: "public" | "private";
  /** Root volume size in GiB (encrypted gp3). @default 8 */
  readonly rootVolumeGiB?: number;
  /** Cadence of the log generator. @default the hands-on's: 10 lines / 120 s, 300 ERROR / 600 s */
  readonly cadence?: Cadence;
  /**
   * Create the log generator (its security group, role, agent document and instance). Off, the
   * component is the VPC and its S3 endpoint only, and every generator output is undefined.
   * @default true
   */
  readonly enableGenerator?: boolean;
}

/**
 * Lab 1: the VPC and the EC2 instance that keeps writing the hands-on's application log.
 *
 * The instance has no SSH key and no inbound rule (SSM Session Manager instead), IMDSv2 only, an
 * encrypted root volume and a role that can do nothing but run the SSM agent and read its own
 * agent configuration; each later layer grants this role exactly what it needs on its resources.
 */
export class NetworkWithGenerator extends pulumi.ComponentResource {
  /** VPC id. */
  public readonly vpcId: pulumi.Output<string>;
  /** Public subnets (one per zone). */
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Workload subnets (one per zone): private with NAT, isolated without. */
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  /** VPC CIDR block, for security group rules that admit the VPC only. */
  public readonly vpcCidrBlock: string;
  /** Security group of the generator (no inbound rules); later layers admit it on their ports. */
  public readonly generatorSecurityGroupId?: pulumi.Output<string>;
  /** Name of the generator's IAM role; later layers attach their grants to it. */
  public readonly generatorRoleName?: pulumi.Output<string>;
  /** ARN of the generator's IAM role (OpenSearch role mapping, key policies). */
  public readonly generatorRoleArn?: pulumi.Output<string>;
  /** Instance id of the generator (SSM targets, port forwarding). */
  public readonly generatorInstanceId?: pulumi.Output<string>;
  /** SSM document that applies the agent configuration (used by {@link GeneratorAgent}). */
  public readonly agentDocumentName?: pulumi.Output<string>;
  /** SSM parameter name the agent configuration must be written to (the role may read only it). */
  public readonly agentParameterName?: string;

  constructor(name: string, args: NetworkWithGeneratorArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:network:NetworkWithGenerator", name, {}, opts);

    const cidrBlock = args.cidrBlock ?? "10.0.0.0/16";
    const availabilityZones = args.availabilityZones ?? 3;
    const natGateways = args.natGateways ?? "None";
    const instanceType = args.generatorInstanceType ?? "t4g.micro";
    const generatorSubnet = args.generatorSubnet ?? "public";
    const rootVolumeGiB = args.rootVolumeGiB ?? 8;
    const cadence = args.cadence ?? HANDS_ON_CADENCE;
    if (!Number.isInteger(availabilityZones) || availabilityZones < 1 || availabilityZones > 3) {
      throw new Error(
        `NetworkWithGenerator ${name}: availabilityZones is ${availabilityZones}; use 1, 2 or 3.`,
      );
    }
    if ((args.enableGenerator ?? true) && generatorSubnet === "private" && natGateways === "None") {
      throw new Error(
        `NetworkWithGenerator ${name}: generatorSubnet "private" needs natGateways "Single" or "OnePerAz" ` +
          `(it is "None"), or the instance cannot install its agent; use generatorSubnet "public" instead.`,
      );
    }
    if (!Number.isInteger(rootVolumeGiB) || rootVolumeGiB < 8) {
      throw new Error(
        `NetworkWithGenerator ${name}: rootVolumeGiB is ${rootVolumeGiB}; the AL2023 image needs at least 8.`,
      );
    }
    validateCadence(cadence);
    const architecture = architectureOf(instanceType);

    const region = aws.getRegionOutput({}, { parent: this }).region;
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    const vpc = createVpc({ parent: this, name, cidrBlock, availabilityZones, natGateways });
    createS3GatewayEndpoint({ parent: this, name, vpcId: vpc.vpcId, region });
    this.vpcId = vpc.vpcId;
    this.vpcCidrBlock = cidrBlock;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;

    if (args.enableGenerator ?? true) {
      const generator = this.createGenerator(name, {
        vpc,
        region,
        partition,
        accountId: identity.accountId,
        instanceType,
        architecture,
        generatorSubnet,
        rootVolumeGiB,
        cadence,
      });
      this.generatorSecurityGroupId = generator.securityGroupId;
      this.generatorRoleName = generator.roleName;
      this.generatorRoleArn = generator.roleArn;
      this.generatorInstanceId = generator.instanceId;
      this.agentDocumentName = generator.documentName;
      this.agentParameterName = generator.parameterName;
    }

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      generatorSecurityGroupId: this.generatorSecurityGroupId,
      generatorRoleName: this.generatorRoleName,
      generatorRoleArn: this.generatorRoleArn,
      generatorInstanceId: this.generatorInstanceId,
      agentDocumentName: this.agentDocumentName,
      agentParameterName: this.agentParameterName,
    });
  }

  /** The generator's security group, role, agent document and instance (children of this component). */
  private createGenerator(
    name: string,
    g: {
      vpc: ReturnType<typeof createVpc>;
      region: pulumi.Output<string>;
      partition: pulumi.Output<string>;
      accountId: pulumi.Output<string>;
      instanceType: string;
      architecture: ReturnType<typeof architectureOf>;
      generatorSubnet: "public" | "private";
      rootVolumeGiB: number;
      cadence: Cadence;
    },
  ) {
    const { vpc, region, partition } = g;
    const securityGroup = createGeneratorSecurityGroup({ parent: this, name, vpcId: vpc.vpcId });

    const parameterName = agentParameterName(pulumi.getProject(), pulumi.getStack(), name);
    const role = createGeneratorRole({
      parent: this,
      name,
      agentParameterArn: agentParameterArn({
        parameterName,
        partition,
        region,
        accountId: g.accountId,
      }),
    });
    const document = createAgentDocument({ parent: this, name, region });

    const instance = createGeneratorInstance({
      parent: this,
      name,
      instanceType: g.instanceType,
      architecture: g.architecture,
      subnetIds: g.generatorSubnet === "public" ? vpc.publicSubnetIds : vpc.privateSubnetIds,
      associatePublicIpAddress: g.generatorSubnet === "public",
      securityGroupId: securityGroup.securityGroupId,
      instanceProfileName: role.instanceProfileName,
      rootVolumeGiB: g.rootVolumeGiB,
      cadence: g.cadence,
      basePolicy: role.basePolicy,
    });
    return {
      securityGroupId: securityGroup.securityGroupId,
      roleName: role.roleName,
      roleArn: role.roleArn,
      instanceId: instance.instanceId,
      documentName: document.documentName,
      parameterName,
    };
  }
}
