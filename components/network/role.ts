/**
 * The generator's IAM role, its base inline policy and its instance profile. Later layers attach
 * their own grants to this role by name.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, toJson } from "../shared/iam";
import { generatorBasePolicy } from "./instance";

/** What {@link createGeneratorRole} needs. */
export interface GeneratorRoleInputs {
  /** The NetworkWithGenerator, parent of every resource created here. */
  readonly parent: pulumi.Resource;
  /** The component's name; children are named `${name}-generator-<role>`. */
  readonly name: string;
  /** The one SSM parameter the role may read (its agent configuration). */
  readonly agentParameterArn: pulumi.Output<string>;
}

/** What the instance and the component's outputs need from the role. */
export interface GeneratorRoleOutputs {
  readonly roleName: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly instanceProfileName: pulumi.Output<string>;
  /**
   * The base policy; the instance depends on it so that it never boots with a role that cannot
   * yet read its agent parameter.
   */
  readonly basePolicy: aws.iam.RolePolicy;
}

/** An EC2 role that can run the SSM agent and read its own agent parameter, and nothing else. */
export function createGeneratorRole(inputs: GeneratorRoleInputs): GeneratorRoleOutputs {
  const { parent, name } = inputs;
  const role = new aws.iam.Role(
    `${name}-generator-role`,
    {
      description:
        "Log generator instance: SSM agent, its agent configuration, and grants added by each layer",
      assumeRolePolicy: toJson(assumeRolePolicy("ec2.amazonaws.com")),
    },
    { parent },
  );
  const basePolicy = new aws.iam.RolePolicy(
    `${name}-generator-base`,
    { role: role.id, policy: toJson(generatorBasePolicy(inputs.agentParameterArn)) },
    { parent },
  );
  const profile = new aws.iam.InstanceProfile(`${name}-generator-profile`, { role: role.name }, { parent });
  return { roleName: role.name, roleArn: role.arn, instanceProfileName: profile.name, basePolicy };
}
