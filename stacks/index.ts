/**
 * Pulumi entry point: validate the stack config (before any resource is registered), keep secret
 * config values secret in every resource they reach, build the platform, export what users need.
 */
import * as pulumi from "@pulumi/pulumi";
import { eventSchemaOf, loadConfig } from "./config";
import { createPlatform } from "./platform";
import { secretConfigStrings, secretInputsTransformation } from "./secrets";

const config = loadConfig();
pulumi.runtime.registerStackTransformation(secretInputsTransformation(secretConfigStrings()));
const platform = createPlatform(config);

export const vpcId = platform.network.vpcId;
// Without a generator these say why they are empty, rather than being left out with a warning.
const NO_GENERATOR = "(no generator: datalake:generator.enabled is false)";
export const generatorInstanceId = platform.network.generatorInstanceId ?? NO_GENERATOR;
export const generatorRoleArn = platform.network.generatorRoleArn ?? NO_GENERATOR;
export const agentConfigParameter = platform.network.agentParameterName ?? NO_GENERATOR;
/** Open a shell on the generator (no SSH, no inbound port): needs the Session Manager plugin. */
export const generatorShellCommand =
  platform.network.generatorInstanceId?.apply((id) => `aws ssm start-session --target ${id}`) ?? NO_GENERATOR;

// Sources besides the generator (docs/sources.md): the subscribed log groups and the producers.
export const sourceLogGroupNames = platform.sources?.logGroupNames ?? [];
/** The stream the log groups' subscriptions deliver through (Firehose metrics, delivery errors). */
export const sourceLogsStreamName =
  platform.sources?.logsStreamName ?? "(none: datalake:sources.logGroups is empty)";
/** The stack's event schema (datalake:format, or the hands-on's): verify writes its marked event in it. */
export const eventFormat = eventSchemaOf(config);
/** Per producer: the policy to attach to its role, and the role when a principal or service was given. */
export const producerGrants = platform.sources?.producers ?? {};

// BatchLayer (labs 4 and 5): where the logs land and how to query them.
export const lakeKeyArn = platform.batch.keyArn;
export const rawBucketName = platform.batch.rawBucketName;
export const curatedBucketName = platform.batch.curatedBucketName;
export const athenaResultsBucketName = platform.batch.athenaResultsBucketName;
export const accessLogBucketName = platform.batch.accessLogBucketName;
export const firehoseStreamName = platform.batch.firehoseStreamName;
export const glueDatabaseName = platform.batch.databaseName;
export const rawTableName = platform.batch.rawTableName;
export const athenaWorkgroupName = platform.batch.workgroupName;
const NO_WAREHOUSE = "(not created: datalake:dwh.enabled is false)";
export const redshiftWorkgroupName = platform.batch.redshiftWorkgroupName ?? NO_WAREHOUSE;
/** VPC-only endpoint (host:port) of Redshift Serverless; use the Query Editor v2 or a host in the VPC. */
export const redshiftEndpoint = platform.batch.redshiftEndpoint ?? NO_WAREHOUSE;
export const redshiftAdminSecretArn = platform.batch.redshiftAdminSecretArn ?? NO_WAREHOUSE;
export const redshiftExampleQuery = platform.batch.redshiftExampleQuery ?? NO_WAREHOUSE;
/** The QuickSight dataset, or why there is none (set datalake:bi.quicksightPrincipalArn to create it). */
export const quicksightDataSetId =
  platform.batch.quicksightDataSetId ?? "(not created: datalake:bi.quicksightPrincipalArn is not set)";

// EtlLayer (lab 6): the Glue job that writes the curated Parquet, and how to run it by hand.
export const etlJobName = platform.etl.jobName;
export const curatedTableName = platform.etl.curatedTableName;
/** Run the ETL job now (it also runs on `datalake:etl.schedule` when set). */
export const etlStartJobRunCommand = platform.etl.startJobRunCommand;

// SpeedLayer (labs 2 and 3): OpenSearch Dashboards, the ERROR alarm, the subscription forwarder.
/** Start this (Session Manager plugin needed) and keep it running to reach Dashboards on the private domain. */
export const dashboardsPortForwardCommand = platform.speed.dashboardsPortForwardCommand;
/** Open while the port forwarding runs; log in as "admin" (the certificate names the domain, not localhost). */
export const dashboardsUrl = platform.speed.dashboardsUrl;
/** Secrets Manager secret with the Dashboards admin user name and password. */
export const dashboardsAdminSecretArn = platform.speed.adminSecretArn;
export const dashboardsAdminPasswordCommand = platform.speed.adminSecretArn.apply(
  (arn) => `aws secretsmanager get-secret-value --secret-id ${arn} --query SecretString --output text`,
);
export const opensearchEndpoint = platform.speed.domainEndpoint;
export const appLogGroupName = platform.speed.appLogGroupName;
export const alarmTopicArn = platform.speed.alarmTopicArn;
export const forwarderDeadLetterQueueUrl = platform.speed.deadLetterQueueUrl;
/** The in-VPC probe `npm run verify` invokes to search the log indices (read-only). */
export const opensearchProbeFunctionName = platform.speed.probeFunctionName;

// Operations: the topic every health alarm notifies, and the pipeline dashboard (docs/operations.md).
export const operationsTopicArn = platform.ops.topicArn;
export const pipelineDashboardUrl = platform.dashboard.dashboardUrl;
