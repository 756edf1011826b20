/**
 * Deploy-time wiring of the bootstrap Lambda (role mapping, index templates, ISM retention): its
 * log group, role, function, and the invocation that runs it whenever its settings, its code or
 * the domain change. The function's runtime code is in `bootstrap/`; this module only deploys it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { createHash } from "crypto";
import { bundleLambdaHandler, lambdaHandlerArchive } from "../shared/bundle";
import { functionRole } from "./functionRole";
import { AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX } from "../shared/names";
import { EventSchema } from "../shared/schema";
import { BootstrapSettings, formatSettings, settingsHash } from "./bootstrap/requests";
import { LayerContext } from "./context";
import { MASTER_USER_NAME } from "./domain";
import { LogGroupFactory } from "./logs";
import { bootstrapPolicy } from "./policies";
import { READER_ROLE } from "./probeFunction";

/** OpenSearch security role the agent's and the forwarder's IAM roles are mapped to. */
export const WRITER_ROLE = "datalake_log_writer";
/** Id of the ISM policy that deletes old log indices. */
export const ISM_POLICY_ID = "datalake-log-retention";

/**
 * Replicas per shard the index templates ask for: one fewer than the zones (or nodes) that can
 * hold a copy, so every replica can be allocated. The yellow-status alarm exists only when > 0.
 */
export function indexReplicas(availabilityZoneCount: number, instanceCount: number): number {
  return Math.min(availabilityZoneCount, instanceCount) - 1;
}

export interface BootstrapInputs extends LayerContext {
  /** Makes the function's own log group (from {@link logGroups}). */
  readonly logGroup: LogGroupFactory;
  /** The domain to configure, and its master user's password. */
  readonly domain: aws.opensearch.Domain;
  readonly password: random.RandomPassword;
  /** IAM roles mapped to {@link WRITER_ROLE}: the generator's (when the stack has one) and the forwarder's. */
  readonly generatorRoleArn?: pulumi.Input<string>;
  readonly forwarderRoleArn: pulumi.Input<string>;
  /** IAM role mapped to the read-only {@link READER_ROLE}: the verify probe's. */
  readonly probeRoleArn: pulumi.Input<string>;
  /** Workload subnets (all of them) and the function's security group. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The function's egress rules to the domain; the function waits for them. */
  readonly egress: readonly pulumi.Resource[];
  /** The domain's ingress rules; the run waits for them, so the function can reach the domain. */
  readonly ingress: readonly pulumi.Resource[];
  readonly indexRetentionDays: number;
  readonly availabilityZoneCount: number;
  readonly instanceCount: number;
  /** The stack's event format: the templates index its fields. */
  readonly eventSchema: EventSchema;
}

/** The bootstrap function and its run; returns the run, whose result the layer's endpoint waits for. */
export function bootstrapFunction(inputs: BootstrapInputs): aws.lambda.Invocation {
  const { name, parent, domain, password } = inputs;
  const {
    logs: bootstrapLogs,
    functionName: bootstrapName,
    role,
    rolePolicy,
  } = functionRole({
    ...inputs,
    fn: "bootstrap",
    description: "Speed layer bootstrap: configures the OpenSearch domain at deploy time",
    policy: bootstrapPolicy,
  });
  const code = bundleLambdaHandler("components/speed/bootstrap/handler.ts");
  const bootstrap = new aws.lambda.Function(
    `${name}-bootstrap`,
    {
      name: bootstrapName,
      description: "Configures the OpenSearch domain: role mapping, index templates, ISM retention",
      role: role.arn,
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: "index.handler",
      code: lambdaHandlerArchive("components/speed/bootstrap/handler.ts"),
      memorySize: 256,
      // The Lambda maximum: a new domain answers 503 "Security not initialized" for minutes, and
      // the handler retries until a deadline derived from the remaining time (bootstrap/handler.ts).
      timeout: 900,
      vpcConfig: { subnetIds: inputs.subnetIds, securityGroupIds: [inputs.securityGroup.id] },
      loggingConfig: { logFormat: "Text", logGroup: bootstrapLogs.name },
    },
    { parent, dependsOn: [rolePolicy, ...inputs.egress] },
  );
  const settings = pulumi
    .all([inputs.generatorRoleArn ?? "", inputs.forwarderRoleArn, inputs.probeRoleArn])
    .apply(([generatorArn, forwarderArn, probeArn]): BootstrapSettings => ({
      writerRole: WRITER_ROLE,
      writerBackendRoles: generatorArn ? [generatorArn, forwarderArn] : [forwarderArn],
      readerRole: READER_ROLE,
      readerBackendRoles: [probeArn],
      indexPrefixes: [AGENT_INDEX_PREFIX, FORWARDER_INDEX_PREFIX],
      retentionDays: inputs.indexRetentionDays,
      replicas: indexReplicas(inputs.availabilityZoneCount, inputs.instanceCount),
      ismPolicyId: ISM_POLICY_ID,
      ...formatSettings(inputs.eventSchema),
    }));
  return new aws.lambda.Invocation(
    `${name}-bootstrap-run`,
    {
      functionName: bootstrap.name,
      // The payload holds the admin password: a secret in the state, never logged by the function.
      input: pulumi.secret(
        pulumi.jsonStringify({
          endpoint: domain.endpoint,
          username: MASTER_USER_NAME,
          password: password.result,
          settings,
        }),
      ),
      triggers: {
        settings: settings.apply(settingsHash),
        code: createHash("sha256").update(code).digest("hex"),
        domain: domain.arn,
      },
    },
    { parent, dependsOn: [domain, ...inputs.ingress] },
  );
}
