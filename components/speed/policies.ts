/**
 * IAM documents and names of the SpeedLayer, as plain functions (tested table-style, no mocks).
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, PolicyStatement, policyDocument } from "../shared/iam";

type S = pulumi.Input<string>;

/** Actions of the HTTP data plane that clients of the domain use. */
export const DOMAIN_HTTP_ACTIONS = [
  "es:ESHttpGet",
  "es:ESHttpHead",
  "es:ESHttpPost",
  "es:ESHttpPut",
  "es:ESHttpDelete",
  "es:ESHttpPatch",
];

/** Log types the domain publishes to CloudWatch Logs, each to its own group. */
export const DOMAIN_LOG_TYPES = ["INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS"] as const;
export type DomainLogType = (typeof DOMAIN_LOG_TYPES)[number];

/**
 * A valid OpenSearch domain name (3–28 characters, lower-case letter first, then a-z 0-9 -) from
 * the project, stack and component name; a hash keeps truncated names distinct.
 */
export function domainName(project: string, stack: string, name: string, hash: string): string {
  let base = `${project}-${stack}-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-");
  if (!/^[a-z]/.test(base)) base = `d-${base}`;
  if (base.length <= 28) return base.replace(/-$/, "");
  return `${base.slice(0, 21).replace(/-+$/, "")}-${hash.slice(0, 6)}`;
}

/** ARN of a domain, built from its name (the access policy is part of the domain's own arguments). */
export function domainArn(partition: S, region: S, accountId: S, name: S): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:es:${region}:${accountId}:domain/${name}`;
}

/**
 * The domain access policy. With fine-grained access control and the internal user database,
 * AWS recommends a policy that does not require signed requests: a policy that names IAM roles
 * makes OpenSearch reject every unsigned request, which includes the Dashboards login and the
 * bootstrap (HTTP basic authentication). Access is enforced by the network (VPC only, a security
 * group that admits three sources), then by fine-grained access control (roles and mappings).
 * The statement is scoped to the domain's subresources and the HTTP actions; no administrative
 * (configuration) action is allowed. (A condition such as aws:PrincipalAccount would again reject
 * the unsigned basic-auth requests, which carry no principal.)
 */
export function domainAccessPolicy(arn: S): PolicyDocument {
  return policyDocument({
    Sid: "HttpThroughFineGrainedAccessControl",
    Effect: "Allow",
    Principal: { AWS: "*" },
    Action: DOMAIN_HTTP_ACTIONS,
    Resource: pulumi.interpolate`${arn}/*`,
  });
}

/**
 * Generator role: find the app log group, write its log stream(s) into it, and `_bulk` to the domain.
 * fluent-plugin-cloudwatch-logs calls DescribeLogGroups (with the group name as prefix) before its
 * first write to a group and retries the chunk forever when that is denied. The Service
 * Authorization Reference lists no resource type for DescribeLogGroups, so only `Resource: "*"`
 * matches it (a `log-group:*` ARN never does); it returns metadata only.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
 */
export function generatorGrants(logGroupArn: S, arn: S): PolicyDocument {
  return policyDocument(
    {
      Sid: "FindAppLogGroup",
      Effect: "Allow",
      Action: "logs:DescribeLogGroups",
      Resource: "*",
    },
    {
      Sid: "WriteAppLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [logGroupArn, pulumi.interpolate`${logGroupArn}:log-stream:*`],
    },
    {
      Sid: "BulkWriteDomain",
      Effect: "Allow",
      Action: ["es:ESHttpPost", "es:ESHttpPut"],
      Resource: pulumi.interpolate`${arn}/*`,
    },
  );
}

/** ENI management a Lambda function in a VPC needs; EC2 does not scope these to a resource. */
export const VPC_ACCESS_STATEMENT: PolicyStatement = {
  Sid: "VpcNetworkInterfaces",
  Effect: "Allow",
  Action: [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ],
  Resource: "*",
};

function ownLogs(functionLogGroupArn: S): PolicyStatement {
  return {
    Sid: "OwnLogGroup",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: [functionLogGroupArn, pulumi.interpolate`${functionLogGroupArn}:log-stream:*`],
  };
}

/** Forwarder role: its own logs, ENIs, `_bulk` to the domain, and the dead-letter queue. */
export function forwarderPolicy(args: {
  functionLogGroupArn: S;
  domainArn: S;
  queueArn: S;
  keyArn: S;
}): PolicyDocument {
  return policyDocument(
    ownLogs(args.functionLogGroupArn),
    VPC_ACCESS_STATEMENT,
    {
      Sid: "BulkWriteDomain",
      Effect: "Allow",
      Action: ["es:ESHttpPost", "es:ESHttpPut"],
      Resource: pulumi.interpolate`${args.domainArn}/*`,
    },
    // Lambda sends the on-failure record with the function's role; the queue is SSE-KMS.
    { Sid: "DeadLetterQueue", Effect: "Allow", Action: "sqs:SendMessage", Resource: args.queueArn },
    {
      Sid: "DeadLetterQueueKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: args.keyArn,
    },
  );
}

/** Bootstrap role: its own logs and ENIs only (it authenticates to OpenSearch as the master user). */
export function bootstrapPolicy(functionLogGroupArn: S): PolicyDocument {
  return policyDocument(ownLogs(functionLogGroupArn), VPC_ACCESS_STATEMENT);
}

/**
 * Key policy of the layer's customer-managed key. The account statement keeps the key manageable
 * through IAM (the AWS default key policy); CloudWatch Logs may use it for log groups of this
 * account and region only; CloudWatch may use it to publish alarm notifications to the topic
 * (the AWS-managed aws/sns key does not allow that).
 */
export function keyPolicy(args: { partition: S; region: S; accountId: S }): PolicyDocument {
  const { partition, region, accountId } = args;
  return policyDocument(
    {
      Sid: "AccountAdministersThroughIam",
      Effect: "Allow",
      Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudWatchLogsEncryptsLogGroups",
      Effect: "Allow",
      Principal: { Service: pulumi.interpolate`logs.${region}.amazonaws.com` },
      Action: [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:DescribeKey",
      ],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:*`,
        },
      },
    },
    {
      Sid: "CloudWatchAlarmsPublishToTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  );
}

/** CloudWatch Logs resource policy that lets the domain write its slow and application logs. */
export function domainLogsResourcePolicy(logGroupArns: S[], arn: S, accountId: S): PolicyDocument {
  return policyDocument({
    Sid: "OpenSearchPublishesDomainLogs",
    Effect: "Allow",
    Principal: { Service: "es.amazonaws.com" },
    Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
    Resource: logGroupArns.map((a) => pulumi.interpolate`${a}:*`),
    Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": arn } },
  });
}

/** The subscription's source ARN for the Lambda permission: `...:log-group:<name>:*` (note the `:*`). */
export function logGroupSourceArn(
  partition: S,
  region: S,
  accountId: S,
  logGroupName: S,
): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}:*`;
}

/** Local port the SSM port-forwarding command listens on. */
export const DASHBOARDS_LOCAL_PORT = 8443;

/** The SSM command that forwards a local port to the domain through the generator instance. */
export function portForwardCommand(
  instanceId: string,
  host: string,
  region: string,
  localPort = DASHBOARDS_LOCAL_PORT,
): string {
  const parameters = JSON.stringify({
    host: [host],
    portNumber: ["443"],
    localPortNumber: [String(localPort)],
  });
  return `aws ssm start-session --region ${region} --target ${instanceId} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '${parameters}'`;
}

/** The Dashboards URL to open while the port forwarding runs. */
export function dashboardsLocalUrl(localPort = DASHBOARDS_LOCAL_PORT): string {
  return `https://localhost:${localPort}/_dashboards/`;
}
