/**
 * Mocks for the SpeedLayer: OpenSearch, Lambda, SQS, SNS, CloudWatch alarms and filters, Secrets
 * Manager, the random password. KMS keys and log groups are declared in batch.ts, security groups
 * and IAM roles in network.ts (a type is declared once: a second declaration throws at startup).
 */
import {
  CallContext,
  MockIamRole,
  TypeMock,
  defineCallMocks,
  defineTypeMocks,
  deterministicHex,
} from "./registry";

const arn = (partition: string, service: string, region: string, account: string, resource: string) =>
  `arn:${partition}:${service}:${region}:${account}:${resource}`;

const SPEED_MOCKS: Record<string, TypeMock> = {
  "aws:opensearch/domain:Domain": {
    autoName: "domainName",
    autoNameMaxLength: 28,
    autoNameLowercase: true,
    id: (ctx, s) => arn(ctx.partition, "es", ctx.region, ctx.accountId, `domain/${s.domainName}`),
    outputs: (ctx, s) => {
      const host = `vpc-${s.domainName}-${ctx.hex(26)}.${ctx.region}.es.amazonaws.com`;
      return {
        arn: arn(ctx.partition, "es", ctx.region, ctx.accountId, `domain/${s.domainName}`),
        domainId: `${ctx.accountId}/${s.domainName}`,
        endpoint: host,
        dashboardEndpoint: `${host}/_dashboards`,
        vpcOptions: {
          ...(s.vpcOptions ?? {}),
          vpcId: `vpc-${ctx.hex(17)}`,
          availabilityZones: [`${ctx.region}a`],
        },
      };
    },
  },
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
    id: (ctx) =>
      `arn:${ctx.partition}:iam::${ctx.accountId}:role/aws-service-role/${ctx.inputs.awsServiceName}/AWSServiceRoleForAmazonOpenSearchService`,
    outputs: (ctx, s) => ({
      arn: s.id,
      name: "AWSServiceRoleForAmazonOpenSearchService",
      path: `/aws-service-role/${ctx.inputs.awsServiceName}/`,
      uniqueId: `AROA${ctx.hex(17).toUpperCase()}`,
    }),
  },
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": {
    id: (_ctx, s) => String(s.policyName),
  },
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
    autoName: "name",
    id: (_ctx, s) => String(s.name),
  },
  "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": {
    autoName: "name",
    id: (ctx, s) => `cwlsf-${ctx.hex(10)}-${s.name}`,
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    autoName: "name",
    id: (_ctx, s) => String(s.name),
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "cloudwatch", ctx.region, ctx.accountId, `alarm:${s.name}`),
    }),
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    id: "sgr",
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "ec2", ctx.region, ctx.accountId, `security-group-rule/${s.id}`),
      securityGroupRuleId: s.id,
    }),
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    id: "sgr",
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "ec2", ctx.region, ctx.accountId, `security-group-rule/${s.id}`),
      securityGroupRuleId: s.id,
    }),
  },
  "random:index/randomPassword:RandomPassword": {
    id: () => "none",
    outputs: (ctx) => ({ result: `Mock${ctx.hex(24)}!Aa1`, bcryptHash: `$2a$10$${ctx.hex(53)}` }),
  },
  "aws:secretsmanager/secret:Secret": {
    autoName: "name",
    id: (ctx, s) =>
      arn(ctx.partition, "secretsmanager", ctx.region, ctx.accountId, `secret:${s.name}-${ctx.hex(6)}`),
    outputs: (_ctx, s) => ({ arn: s.id }),
  },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    id: (ctx, s) => `${s.secretId}|${ctx.hex(8)}-${ctx.hex(12).slice(8, 12)}-${ctx.hex(16).slice(12, 16)}`,
    outputs: (ctx, s) => ({ arn: s.secretId, versionId: ctx.hex(32), versionStages: ["AWSCURRENT"] }),
  },
  "aws:sqs/queue:Queue": {
    autoName: "name",
    autoNameMaxLength: 80,
    id: (ctx, s) => `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${s.name}`,
    outputs: (ctx, s) => ({
      arn: arn(ctx.partition, "sqs", ctx.region, ctx.accountId, String(s.name)),
      url: s.id,
    }),
  },
  "aws:sns/topic:Topic": {
    autoName: "name",
    autoNameMaxLength: 256,
    id: (ctx, s) => arn(ctx.partition, "sns", ctx.region, ctx.accountId, String(s.name)),
    outputs: (ctx, s) => ({ arn: s.id, owner: ctx.accountId }),
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    id: (ctx, s) => `${s.topic}:${ctx.hex(8)}-${ctx.hex(12).slice(8, 12)}`,
    outputs: (_ctx, s) => ({ arn: s.id, pendingConfirmation: s.protocol === "email" }),
  },
  "aws:lambda/function:Function": {
    autoName: "name",
    autoNameMaxLength: 64,
    id: (_ctx, s) => String(s.name),
    outputs: (ctx, s) => {
      const fnArn = arn(ctx.partition, "lambda", ctx.region, ctx.accountId, `function:${s.name}`);
      return {
        arn: fnArn,
        qualifiedArn: `${fnArn}:$LATEST`,
        invokeArn: `arn:${ctx.partition}:apigateway:${ctx.region}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
        version: "$LATEST",
        sourceCodeHash: ctx.hex(44),
        lastModified: "2026-01-01T00:00:00.000+0000",
      };
    },
  },
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
    id: (_ctx, s) => String(s.functionName),
  },
  "aws:lambda/permission:Permission": {
    id: (ctx) => `${ctx.name}-${ctx.hex(8)}`,
    outputs: (ctx) => ({ statementId: `terraform-${ctx.hex(26)}` }),
  },
  "aws:lambda/invocation:Invocation": {
    id: (ctx, s) => `${s.functionName}_$LATEST_${ctx.hex(32)}`,
    outputs: () => ({ result: JSON.stringify({ steps: [] }) }),
  },
};

// Declare only what no other area declared: a type declared twice is an error in the registry.
defineTypeMocks(SPEED_MOCKS);

const roleArn = (ctx: CallContext, role: MockIamRole) =>
  `arn:${ctx.partition}:iam::${ctx.accountId}:role${role.path}${role.name}`;

/**
 * The account's existing roles (`MockOptions.iamRoles`), as IAM answers ListRoles and GetRole:
 * getRoles filters by path prefix and name regex; getRole of a missing role fails with IAM's
 * NoSuchEntity, as the real data source does.
 */
defineCallMocks({
  "aws:iam/getRoles:getRoles": (inputs, ctx) => {
    const prefix = inputs.pathPrefix === undefined ? "/" : String(inputs.pathPrefix);
    const regex = inputs.nameRegex === undefined ? undefined : new RegExp(String(inputs.nameRegex));
    const found = ctx.iamRoles.filter((r) => r.path.startsWith(prefix) && (!regex || regex.test(r.name)));
    return {
      arns: found.map((r) => roleArn(ctx, r)),
      names: found.map((r) => r.name),
      ...(inputs.pathPrefix !== undefined ? { pathPrefix: inputs.pathPrefix } : {}),
      ...(inputs.nameRegex !== undefined ? { nameRegex: inputs.nameRegex } : {}),
      id: ctx.region,
    };
  },
  "aws:iam/getRole:getRole": (inputs, ctx) => {
    const role = ctx.iamRoles.find((r) => r.name === inputs.name);
    if (!role) {
      throw new Error(
        `reading IAM Role (${inputs.name}): operation error IAM: GetRole, NoSuchEntity: The role with name ${inputs.name} cannot be found.`,
      );
    }
    return {
      arn: roleArn(ctx, role),
      assumeRolePolicy: "{}",
      createDate: "2025-01-01T00:00:00Z",
      description: "",
      id: role.name,
      maxSessionDuration: 3600,
      name: role.name,
      path: role.path,
      permissionsBoundary: "",
      roleLastUseds: [],
      tags: { ...(role.tags ?? {}) },
      uniqueId: `AROA${deterministicHex(role.name, 17).toUpperCase()}`,
    };
  },
});
