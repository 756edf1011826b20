/**
 * The generator's security group and the EC2 instance itself (AMI lookup, user data, hardening).
 * The pure parts (architecture, AMI parameter, user data text) live in `instance.ts`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleScript } from "../shared/bundle";
import { APP_LOG_PATH, APP_LOG_TAG } from "../shared/names";
import { HANDS_ON_PARSER, renderAgentConfig } from "./agent/render";
import { NODE_BUNDLE_TARGET } from "./agent/versions";
import { Cadence } from "./generator/lines";
import { AGENT_STATE_DIR, Architecture, al2023AmiParameter, renderUserData } from "./instance";

/** What {@link createGeneratorSecurityGroup} needs. */
export interface GeneratorSecurityGroupInputs {
  /** The NetworkWithGenerator, parent of the security group. */
  readonly parent: pulumi.Resource;
  /** The component's name; the group is `${name}-generator-sg`. */
  readonly name: string;
  readonly vpcId: pulumi.Output<string>;
}

/** The generator's security group: no inbound rule at all (SSM instead of SSH), HTTPS out only. */
export function createGeneratorSecurityGroup(inputs: GeneratorSecurityGroupInputs): {
  securityGroupId: pulumi.Output<string>;
} {
  const { parent, name, vpcId } = inputs;
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-generator-sg`,
    {
      vpcId,
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
    { parent },
  );
  return { securityGroupId: securityGroup.id };
}

/** What {@link createGeneratorInstance} needs. */
export interface GeneratorInstanceInputs {
  /** The NetworkWithGenerator, parent of the instance. */
  readonly parent: pulumi.Resource;
  /** The component's name; the instance is `${name}-generator`. */
  readonly name: string;
  readonly instanceType: string;
  /** The instance type's architecture (selects the AMI). */
  readonly architecture: Architecture;
  /** The subnets of the chosen tier; the instance goes into the first. */
  readonly subnetIds: pulumi.Output<string[]>;
  /** True in a public subnet (outbound only: the security group admits nothing). */
  readonly associatePublicIpAddress: boolean;
  readonly securityGroupId: pulumi.Output<string>;
  readonly instanceProfileName: pulumi.Output<string>;
  readonly rootVolumeGiB: number;
  readonly cadence: Cadence;
  /** The role's base policy, which must exist before the instance boots. */
  readonly basePolicy: aws.iam.RolePolicy;
}

/**
 * The latest AL2023 for the architecture, IMDSv2 only, an encrypted root volume, no key pair, and
 * first-boot user data that installs the generator and the idle agent configuration.
 */
export function createGeneratorInstance(inputs: GeneratorInstanceInputs): {
  instanceId: pulumi.Output<string>;
} {
  const { parent, name } = inputs;
  const ami = aws.ssm.getParameterOutput({ name: al2023AmiParameter(inputs.architecture) }, { parent }).value;
  const userData = renderUserData({
    generatorJs: bundleScript("components/network/generator/main.ts", {
      minify: true,
      target: NODE_BUNDLE_TARGET,
    }),
    cadence: inputs.cadence,
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
      instanceType: inputs.instanceType,
      subnetId: inputs.subnetIds.apply((ids) => ids[0]),
      associatePublicIpAddress: inputs.associatePublicIpAddress,
      vpcSecurityGroupIds: [inputs.securityGroupId],
      iamInstanceProfile: inputs.instanceProfileName,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      rootBlockDevice: {
        encrypted: true,
        volumeType: "gp3",
        volumeSize: inputs.rootVolumeGiB,
        deleteOnTermination: true,
      },
      userData,
      // User data runs at first boot only: a new generator or cadence needs a new instance.
      userDataReplaceOnChange: true,
      tags: { Name: `${name}-generator` },
    },
    // A newer AL2023 AMI must not replace a running generator on every `pulumi up`.
    { parent, ignoreChanges: ["ami"], dependsOn: [inputs.basePolicy] },
  );
  return { instanceId: instance.id };
}
