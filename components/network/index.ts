import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, toJson } from "../shared/iam";
import { bundleScript } from "../shared/bundle";
import { Cadence, HANDS_ON_CADENCE, validateCadence } from "./generator/lines";
import { renderAgentConfig, HANDS_ON_PARSER } from "./agent/render";
import {
  AGENT_STATE_DIR,
  al2023AmiParameter,
  applyAgentConfigDocument,
  architectureOf,
  generatorBasePolicy,
  renderUserData,
} from "./instance";
import { APP_LOG_PATH, APP_LOG_TAG } from "../shared/names";

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
  public readonly generatorSecurityGroupId: pulumi.Output<string>;
  /** Name of the generator's IAM role; later layers attach their grants to it. */
  public readonly generatorRoleName: pulumi.Output<string>;
  /** ARN of the generator's IAM role (OpenSearch role mapping, key policies). */
  public readonly generatorRoleArn: pulumi.Output<string>;
  /** Instance id of the generator (SSM targets, port forwarding). */
  public readonly generatorInstanceId: pulumi.Output<string>;
  /** SSM document that applies the agent configuration (used by {@link GeneratorAgent}). */
  public readonly agentDocumentName: pulumi.Output<string>;
  /** SSM parameter name the agent configuration must be written to (the role may read only it). */
  public readonly agentParameterName: string;

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
    if (generatorSubnet === "private" && natGateways === "None") {
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

    const workloadTier = natGateways === "None" ? "Isolated" : "Private";
    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock,
        numberOfAvailabilityZones: availabilityZones,
        natGateways: { strategy: natGateways },
        subnetStrategy: "Auto",
        subnetSpecs: [{ type: "Public" }, { type: workloadTier }],
        enableDnsHostnames: true,
        enableDnsSupport: true,
      },
      { parent: this },
    );
    this.vpcId = vpc.vpcId;
    this.vpcCidrBlock = cidrBlock;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = workloadTier === "Isolated" ? vpc.isolatedSubnetIds : vpc.privateSubnetIds;

    // The S3 gateway endpoint is free and keeps lake traffic (and dnf's S3-hosted repositories)
    // off NAT. It is attached to every route table of the VPC, read once the VPC component is done.
    const routeTableIds = aws.ec2.getRouteTablesOutput({ vpcId: vpc.vpcId }, { parent: this }).ids;
    new aws.ec2.VpcEndpoint(
      `${name}-s3-endpoint`,
      {
        vpcId: vpc.vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds,
        tags: { Name: `${name}-s3` },
      },
      { parent: this },
    );

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-generator-sg`,
      {
        vpcId: vpc.vpcId,
        description: "Log generator: no inbound access; HTTPS out to AWS APIs and package repositories",
        ingress: [],
        egress: [
          {
            description: "HTTPS to AWS APIs, OpenSearch and package repositories",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ["0.0.0.0/0"],
          },
        ],
        revokeRulesOnDelete: true,
        tags: { Name: `${name}-generator` },
      },
      { parent: this },
    );
    this.generatorSecurityGroupId = securityGroup.id;

    this.agentParameterName = `/${pulumi.getProject()}/${pulumi.getStack()}/${name}/fluentd.conf`;
    const agentParameterArn = pulumi.interpolate`arn:${partition}:ssm:${region}:${identity.accountId}:parameter${this.agentParameterName}`;

    const role = new aws.iam.Role(
      `${name}-generator-role`,
      {
        description:
          "Log generator instance: SSM agent, its agent configuration, and grants added by each layer",
        assumeRolePolicy: toJson(assumeRolePolicy("ec2.amazonaws.com")),
      },
      { parent: this },
    );
    const basePolicy = new aws.iam.RolePolicy(
      `${name}-generator-base`,
      { role: role.id, policy: toJson(generatorBasePolicy(agentParameterArn)) },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-generator-profile`,
      { role: role.name },
      { parent: this },
    );
    this.generatorRoleName = role.name;
    this.generatorRoleArn = role.arn;

    const document = new aws.ssm.Document(
      `${name}-agent-document`,
      {
        documentType: "Command",
        documentFormat: "JSON",
        content: region.apply((r) => JSON.stringify(applyAgentConfigDocument(r), null, 2)),
      },
      { parent: this },
    );
    this.agentDocumentName = document.name;

    const ami = aws.ssm.getParameterOutput(
      { name: al2023AmiParameter(architecture) },
      { parent: this },
    ).value;
    const userData = renderUserData({
      generatorJs: bundleScript("components/network/generator/main.ts", { minify: true }),
      cadence,
      initialAgentConfig: renderAgentConfig({
        tag: APP_LOG_TAG,
        path: APP_LOG_PATH,
        stateDir: AGENT_STATE_DIR,
        parser: HANDS_ON_PARSER,
        destinations: {},
      }),
    });
    const instance = new aws.ec2.Instance(
      `${name}-generator`,
      {
        ami,
        instanceType,
        subnetId: (generatorSubnet === "public" ? this.publicSubnetIds : this.privateSubnetIds).apply(
          (ids) => ids[0],
        ),
        associatePublicIpAddress: generatorSubnet === "public",
        vpcSecurityGroupIds: [securityGroup.id],
        iamInstanceProfile: profile.name,
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
          instanceMetadataTags: "disabled",
        },
        rootBlockDevice: {
          encrypted: true,
          volumeType: "gp3",
          volumeSize: rootVolumeGiB,
          deleteOnTermination: true,
        },
        userData,
        // User data runs at first boot only: a new generator or cadence needs a new instance.
        userDataReplaceOnChange: true,
        tags: { Name: `${name}-generator` },
      },
      // A newer AL2023 AMI must not replace a running generator on every `pulumi up`.
      { parent: this, ignoreChanges: ["ami"], dependsOn: [basePolicy] },
    );
    this.generatorInstanceId = instance.id;

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
}
