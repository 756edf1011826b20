/** The Athena workgroup (enforced configuration, KMS-encrypted results) and the hands-on's named queries. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RAW_TABLE_NAME } from "../shared/lake";
import { PROJECT } from "../shared/names";
import { namedQueriesFor } from "./queries";
import { EventSchema, HANDS_ON_SCHEMA } from "../shared/schema";
import type { LayerScope } from "./scope";
import type { LakeCatalog } from "./tables";

/** Key prefix of Athena query results in the results bucket. */
export const ATHENA_RESULTS_PREFIX = "results/";

/** Inputs of {@link createAthena}. */
export interface AthenaInputs extends LayerScope {
  readonly accountId: pulumi.Output<string>;
  /** The lake key; it encrypts the query results. */
  readonly keyArn: pulumi.Output<string>;
  /** The Athena results bucket. */
  readonly resultsBucketName: pulumi.Output<string>;
  /** The Glue database name, as the named queries' SQL spells it. */
  readonly databaseName: string;
  /** The catalog; the named queries run against its database and wait for its raw table. */
  readonly catalog: LakeCatalog;
  /** Per-query scan cutoff in MiB. */
  readonly bytesScannedCutoffMiB: number;
  /** The event schema: the hands-on's queries for its format, the generic set for any other. @default HANDS_ON_SCHEMA */
  readonly eventSchema?: EventSchema;
}

/** The workgroup, for the layer's outputs and QuickSight. */
export interface Athena {
  readonly workgroupName: pulumi.Output<string>;
}

/** Creates the workgroup and one named query per entry of {@link namedQueriesFor}. */
export function createAthena(i: AthenaInputs): Athena {
  const { parent, name, stack, catalog } = i;
  const workgroup = new aws.athena.Workgroup(
    `${name}-workgroup`,
    {
      description: `${PROJECT} ${stack}: queries over the lake (enforced settings, KMS-encrypted results)`,
      state: "ENABLED",
      // Always: DeleteWorkGroup refuses a workgroup that holds query history unless recursive,
      // which would fail `pulumi destroy` of any stack that ran a query. The history is metadata
      // Athena drops after 45 days; the results themselves live in the results bucket.
      // https://docs.aws.amazon.com/athena/latest/APIReference/API_DeleteWorkGroup.html
      forceDestroy: true,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: i.bytesScannedCutoffMiB * 1024 * 1024,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: pulumi.interpolate`s3://${i.resultsBucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: i.keyArn },
          expectedBucketOwner: i.accountId,
        },
      },
    },
    { parent },
  );
  for (const q of namedQueriesFor(i.databaseName, RAW_TABLE_NAME, i.eventSchema ?? HANDS_ON_SCHEMA)) {
    new aws.athena.NamedQuery(
      `${name}-query-${q.key}`,
      {
        name: q.name,
        description: q.description,
        database: catalog.database.name,
        workgroup: workgroup.name,
        query: q.sql,
      },
      { parent, dependsOn: [catalog.rawTable] },
    );
  }
  return { workgroupName: workgroup.name };
}
