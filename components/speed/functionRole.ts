/**
 * What each of the layer's Lambda functions (forwarder, bootstrap, probe) needs before it exists:
 * its physical name, its own log group, an execution role that only Lambda can assume, and the
 * role's inline policy built from the log group's ARN. One definition, so the three functions'
 * roles cannot drift apart in trust or naming.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, assumeRolePolicy, toJson } from "../shared/iam";
import { LayerContext } from "./context";
import { LogGroupFactory } from "./logs";

export interface FunctionRoleInputs extends LayerContext {
  readonly logGroup: LogGroupFactory;
  /** `forwarder`, `bootstrap`, `probe`: the children are `${name}-<fn>-role` and `-policy`. */
  readonly fn: string;
  readonly description: string;
  /** The role's inline policy, given the function's own log group ARN. */
  readonly policy: (functionLogGroupArn: pulumi.Output<string>) => PolicyDocument;
}

export interface FunctionRole {
  /** The function's physical name, `<prefix>-<fn>` (at most 64 characters, Lambda's limit). */
  readonly functionName: string;
  readonly logs: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;
  /** The function must depend on it, so its first invocation has its permissions. */
  readonly rolePolicy: aws.iam.RolePolicy;
}

export function functionRole(i: FunctionRoleInputs): FunctionRole {
  const { name, parent, prefix, fn } = i;
  const functionName = `${prefix}-${fn}`.slice(0, 64);
  const logs = i.logGroup(`${fn}-logs`, `/aws/lambda/${functionName}`);
  const role = new aws.iam.Role(
    `${name}-${fn}-role`,
    { description: i.description, assumeRolePolicy: toJson(assumeRolePolicy("lambda.amazonaws.com")) },
    { parent },
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-${fn}-policy`,
    { role: role.id, policy: toJson(i.policy(logs.arn)) },
    { parent },
  );
  return { functionName, logs, role, rolePolicy };
}
