/**
 * Redshift Serverless querying the lake through Spectrum: the Spectrum role and its read policy,
 * the security groups, the Glue interface endpoint, the namespace and workgroup, and the external
 * schema created at deploy time through the Redshift Data API.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, toJson } from "../shared/iam";
import { RAW_UNPARTITIONED_TABLE_NAME } from "../shared/lake";
import { PROJECT } from "../shared/names";
import { spectrumPolicy } from "./iamDocuments";
import { createExternalSchemaSql, redshiftExampleQuerySql } from "./queries";
import type { EventSchema } from "../shared/schema";
import type { AwsScope, LayerScope } from "./scope";
import type { WarehouseSettings } from "./settings";
import type { LakeCatalog } from "./tables";

/** Redshift external schema over the Glue database. */
export const SPECTRUM_SCHEMA = "lake";

/** Inputs of {@link createWarehouse}. */
export interface WarehouseInputs extends LayerScope, AwsScope {
  /** The event schema (the example query counts its keyword field). @default HANDS_ON_SCHEMA */
  readonly eventSchema?: EventSchema;
  /** Network, capacity, admin user and database of the warehouse. */
  readonly settings: WarehouseSettings;
  /** The lake key: it encrypts the namespace and the admin password's secret, and Spectrum decrypts with it. */
  readonly keyArn: pulumi.Output<string>;
  readonly rawBucketArn: pulumi.Output<string>;
  readonly curatedBucketArn: pulumi.Output<string>;
  /** The Glue database name, as the external schema's SQL spells it. */
  readonly lakeDatabaseName: string;
  /** The catalog; the external schema waits for its tables. */
  readonly catalog: LakeCatalog;
  /** protect + retainOnDelete on the namespace. */
  readonly protect: boolean;
}

/** The warehouse, for the layer's outputs. */
export interface Warehouse {
  readonly workgroupName: pulumi.Output<string>;
  /** `host:port` of the workgroup (VPC-only). */
  readonly endpoint: pulumi.Output<string>;
  readonly adminSecretArn: pulumi.Output<string>;
  /** Example query over the Spectrum schema. */
  readonly exampleQuery: string;
}

/** The physical name of the namespace and the workgroup: `datalake-<stack>`, lowercase, `-` for the rest. */
export function warehouseName(stack: string): string {
  return `${PROJECT}-${stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

/** Creates a private, KMS-encrypted Redshift Serverless warehouse with the lake as an external schema. */
export function createWarehouse(i: WarehouseInputs): Warehouse {
  const { parent, name, settings, catalog } = i;
  const spectrumRole = new aws.iam.Role(
    `${name}-spectrum-role`,
    {
      description: "Redshift Spectrum: read the lake prefixes and the lake's Glue database",
      assumeRolePolicy: toJson(
        policyDocument({
          Effect: "Allow",
          Principal: { Service: ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"] },
          Action: "sts:AssumeRole",
        }),
      ),
    },
    { parent },
  );
  const spectrumGrant = new aws.iam.RolePolicy(
    `${name}-spectrum-read`,
    {
      role: spectrumRole.id,
      policy: toJson(
        spectrumPolicy({
          partition: i.partition,
          region: i.region,
          accountId: i.accountId,
          rawBucketArn: i.rawBucketArn,
          curatedBucketArn: i.curatedBucketArn,
          keyArn: i.keyArn,
          databaseName: catalog.database.name,
        }),
      ),
    },
    { parent },
  );
  const redshiftSg = new aws.ec2.SecurityGroup(
    `${name}-redshift-sg`,
    {
      vpcId: settings.vpcId,
      description: "Redshift Serverless: 5439 from the VPC only; HTTPS out to S3 and the Glue endpoint",
      ingress: [
        {
          description: "Redshift from inside the VPC",
          protocol: "tcp",
          fromPort: 5439,
          toPort: 5439,
          cidrBlocks: [settings.vpcCidrBlock],
        },
      ],
      egress: [
        {
          description: "HTTPS to S3 (gateway endpoint), Glue (interface endpoint) and AWS APIs",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
        },
      ],
      revokeRulesOnDelete: true,
      tags: { Name: `${name}-redshift` },
    },
    { parent },
  );
  // With enhanced VPC routing, Spectrum reaches the Glue Data Catalog through the VPC: the
  // workload subnets have no route out in dev (no NAT), so the catalog needs an interface endpoint.
  const glueEndpointSg = new aws.ec2.SecurityGroup(
    `${name}-glue-endpoint-sg`,
    {
      vpcId: settings.vpcId,
      description: "Glue interface endpoint: HTTPS from the VPC only",
      ingress: [
        {
          description: "HTTPS from inside the VPC",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [settings.vpcCidrBlock],
        },
      ],
      egress: [],
      revokeRulesOnDelete: true,
      tags: { Name: `${name}-glue-endpoint` },
    },
    { parent },
  );
  const glueEndpoint = new aws.ec2.VpcEndpoint(
    `${name}-glue-endpoint`,
    {
      vpcId: settings.vpcId,
      serviceName: pulumi.interpolate`com.amazonaws.${i.region}.glue`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: settings.subnetIds,
      securityGroupIds: [glueEndpointSg.id],
      tags: { Name: `${name}-glue` },
    },
    { parent },
  );
  const physicalName = warehouseName(i.stack);
  const namespace = new aws.redshiftserverless.Namespace(
    `${name}-namespace`,
    {
      namespaceName: physicalName,
      dbName: settings.databaseName,
      adminUsername: settings.adminUsername,
      manageAdminPassword: true,
      adminPasswordSecretKmsKeyId: i.keyArn,
      kmsKeyId: i.keyArn,
      iamRoles: [spectrumRole.arn],
      defaultIamRoleArn: spectrumRole.arn,
    },
    { parent, protect: i.protect, retainOnDelete: i.protect, dependsOn: [spectrumGrant] },
  );
  const rsWorkgroup = new aws.redshiftserverless.Workgroup(
    `${name}-redshift-workgroup`,
    {
      workgroupName: physicalName,
      namespaceName: namespace.namespaceName,
      baseCapacity: settings.baseCapacityRpu,
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      subnetIds: settings.subnetIds,
      securityGroupIds: [redshiftSg.id],
    },
    { parent, dependsOn: [glueEndpoint] },
  );
  const schemaSql = spectrumRole.arn.apply((arn) =>
    createExternalSchemaSql(SPECTRUM_SCHEMA, i.lakeDatabaseName, arn),
  );
  new aws.redshiftdata.Statement(
    `${name}-spectrum-schema`,
    {
      workgroupName: rsWorkgroup.workgroupName,
      database: settings.databaseName,
      secretArn: namespace.adminPasswordSecretArn,
      sql: schemaSql,
    },
    { parent, dependsOn: [catalog.rawTable, catalog.rawUnpartitionedTable, spectrumGrant] },
  );
  return {
    workgroupName: rsWorkgroup.workgroupName,
    endpoint: rsWorkgroup.endpoints.apply((e) => (e.length ? `${e[0].address}:${e[0].port}` : "")),
    adminSecretArn: namespace.adminPasswordSecretArn,
    exampleQuery: redshiftExampleQuerySql(SPECTRUM_SCHEMA, RAW_UNPARTITIONED_TABLE_NAME, i.eventSchema),
  };
}
