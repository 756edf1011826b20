import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createBatchAlarms } from "../batch/alarms";
import { createFirehose } from "../batch/firehose";
import { toJson } from "../shared/iam";
import {
  LOG_GROUP_NAME_PATTERN,
  MAX_SOURCE_LOG_GROUPS,
  PRODUCER_NAME_PATTERN,
  sourceKey,
} from "../shared/sources";
import {
  ProducerPrincipal,
  logGroupArnPattern,
  logsDeliveryPolicy,
  logsDeliveryTrust,
  producerPolicy,
  producerTrust,
} from "./policies";

export { FIREHOSE_PUT_ACTIONS, ProducerPrincipal } from "./policies";

/** An application that puts its own records into the raw stream. */
export interface ProducerArgs {
  /** Names its policy and role (a-z, 0-9, `-`, at most 32). */
  readonly name: string;
  /**
   * Who assumes the producer's role: an IAM principal ARN or an AWS service (e.g.
   * `ecs-tasks.amazonaws.com`). @default undefined — the policy only, to attach to a role of your own
   */
  readonly principal?: ProducerPrincipal;
}

/** Arguments of {@link LogSources}. */
export interface LogSourcesArgs {
  /**
   * Existing CloudWatch log groups (names, not created here) subscribed to the lake: their events
   * reach the raw zone through a stream of their own. @default []
   */
  readonly logGroupNames?: readonly string[];
  /** Applications granted PutRecord/PutRecordBatch on the raw stream. @default [] */
  readonly producers?: readonly ProducerArgs[];
  /** The raw stream (the generator's), which producers put into. */
  readonly rawStreamArn: pulumi.Input<string>;
  /** The raw bucket and the lake key (the logs stream delivers there, encrypted with it). */
  readonly rawBucketArn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;
  /** Buffering of the logs stream (the lake's). */
  readonly bufferSeconds: number;
  readonly bufferMiB: number;
  /** Retention of the logs stream's delivery log group (days). */
  readonly logRetentionDays: number;
  /** The operations topic the logs stream's freshness and throttling alarms notify. @default undefined — no alarms */
  readonly operationsTopicArn?: pulumi.Input<string>;
  /** The freshness alarm fires at this many buffering intervals. @default 2 */
  readonly freshnessFactor?: number;
}

/** A producer's grant as the stack exports it. */
export interface ProducerOutput {
  readonly policyArn: pulumi.Output<string>;
  readonly roleArn?: pulumi.Output<string>;
}

/**
 * The lake's configured sources besides the generator: existing CloudWatch log groups subscribed
 * into the raw zone (through a Firehose stream that decompresses the subscription batches and
 * keeps each event's message, one per line), and applications granted to put records into the
 * raw stream directly. The speed layer subscribes the same groups to its forwarder.
 */
export class LogSources extends pulumi.ComponentResource {
  /** The stream the log groups' subscriptions put into (when any group is configured). */
  public readonly logsStreamName?: pulumi.Output<string>;
  /** The configured log groups, in config order. */
  public readonly logGroupNames: readonly string[];
  /** Per producer name: the policy to attach, and the role when a principal was given. */
  public readonly producers: Readonly<Record<string, ProducerOutput>>;

  constructor(name: string, args: LogSourcesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("datalake:sources:LogSources", name, {}, opts);
    const groups = args.logGroupNames ?? [];
    const producers = args.producers ?? [];
    validateSources(name, groups, producers);
    const stack = pulumi.getStack();
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    if (groups.length > 0) {
      const stream = createFirehose({
        parent: this,
        name,
        stack,
        region,
        accountId,
        keyArn: args.keyArn,
        rawBucketArn: args.rawBucketArn,
        bufferSeconds: args.bufferSeconds,
        bufferMiB: args.bufferMiB,
        logRetentionDays: args.logRetentionDays,
        input: "cloudwatch-logs",
        roleDescription: "Firehose delivery of the subscribed CloudWatch log groups into the raw zone",
      });
      const role = new aws.iam.Role(
        `${name}-logs-delivery-role`,
        {
          description:
            "CloudWatch Logs subscriptions of the configured log groups into the lake's logs stream",
          assumeRolePolicy: toJson(
            logsDeliveryTrust(
              accountId,
              groups.map((g) => logGroupArnPattern(partition, region, accountId, g)),
            ),
          ),
        },
        { parent: this },
      );
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-logs-delivery`,
        { role: role.id, policy: toJson(logsDeliveryPolicy(stream.streamArn)) },
        { parent: this },
      );
      for (const group of groups) {
        new aws.cloudwatch.LogSubscriptionFilter(
          `${name}-to-lake-${sourceKey(group)}`,
          {
            name: `datalake-${stack}-${name}-to-lake`,
            logGroup: group,
            filterPattern: "",
            destinationArn: stream.streamArn,
            roleArn: role.arn,
          },
          // CloudWatch Logs tests the role when the filter is created.
          { parent: this, dependsOn: [rolePolicy] },
        );
      }
      if (args.operationsTopicArn !== undefined) {
        createBatchAlarms({
          parent: this,
          name,
          stack,
          topicArn: args.operationsTopicArn,
          streamName: stream.streamName,
          bufferSeconds: args.bufferSeconds,
          freshnessFactor: args.freshnessFactor ?? 2,
        });
      }
      this.logsStreamName = stream.streamName;
    }

    const out: Record<string, ProducerOutput> = {};
    for (const p of producers) {
      const policy = new aws.iam.Policy(
        `${name}-producer-${p.name}`,
        {
          name: `datalake-${stack}-producer-${p.name}`,
          description: `Lets the ${p.name} application put records into the lake's raw stream`,
          policy: toJson(producerPolicy(args.rawStreamArn)),
        },
        { parent: this },
      );
      let roleArn: pulumi.Output<string> | undefined;
      if (p.principal !== undefined) {
        const role = new aws.iam.Role(
          `${name}-producer-${p.name}-role`,
          {
            description: `The ${p.name} application's producer role: put records into the lake's raw stream`,
            assumeRolePolicy: toJson(producerTrust(p.principal)),
          },
          { parent: this },
        );
        new aws.iam.RolePolicyAttachment(
          `${name}-producer-${p.name}-attach`,
          { role: role.name, policyArn: policy.arn },
          { parent: this },
        );
        roleArn = role.arn;
      }
      out[p.name] = { policyArn: policy.arn, ...(roleArn ? { roleArn } : {}) };
    }
    this.logGroupNames = groups;
    this.producers = out;
    this.registerOutputs({ logsStreamName: this.logsStreamName, producers: this.producers });
  }
}

/** Throws one sentence for the first bad argument (the stack config checks the same first). */
export function validateSources(
  name: string,
  groups: readonly string[],
  producers: readonly ProducerArgs[],
): void {
  const bad = groups.find((g) => !LOG_GROUP_NAME_PATTERN.test(g));
  if (bad !== undefined) {
    throw new Error(
      `LogSources ${name}: log group name ${JSON.stringify(bad)} is not a CloudWatch Logs group name (1 to 512 of a-z, A-Z, 0-9, _ - / . #).`,
    );
  }
  const dup = groups.find((g, i) => groups.indexOf(g) !== i);
  if (dup !== undefined) {
    throw new Error(
      `LogSources ${name}: log group ${JSON.stringify(dup)} is listed twice; list each group once.`,
    );
  }
  if (groups.length > MAX_SOURCE_LOG_GROUPS) {
    throw new Error(
      `LogSources ${name}: ${groups.length} log groups are configured; at most ${MAX_SOURCE_LOG_GROUPS} fit the forwarder's resource policy.`,
    );
  }
  const names = producers.map((p) => p.name);
  const badName = names.find((n) => !PRODUCER_NAME_PATTERN.test(n));
  if (badName !== undefined) {
    throw new Error(
      `LogSources ${name}: producer name ${JSON.stringify(badName)} must start with a lowercase letter and use a-z, 0-9 and - (at most 32).`,
    );
  }
  const dupName = names.find((n, i) => names.indexOf(n) !== i);
  if (dupName !== undefined) {
    throw new Error(
      `LogSources ${name}: producer ${JSON.stringify(dupName)} is listed twice; give each producer its own name.`,
    );
  }
}
