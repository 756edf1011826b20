/**
 * What Athena sees of the layer: the curated table in the lake database (its descriptor comes from
 * table.ts) and the named queries (from queries.ts) that compare it with the raw table.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CURATED_TABLE_NAME } from "../shared/lake";
import { namedQuerySpecs } from "./queries";
import type { LakeColumn } from "../shared/lake";
import { curatedPartitionKeys, curatedStorageDescriptor, curatedTableParameters } from "./table";
import { UnitBase } from "./unit";

export interface CuratedTableInputs extends UnitBase {
  readonly databaseName: pulumi.Input<string>;
  readonly curatedBucketName: pulumi.Input<string>;
  readonly projectionRangeDays: number;
  /** First projected day, or undefined for the whole range (projectionDateRange). */
  readonly projectionStartDate: string | undefined;
  /** protect + retainOnDelete: other consumers (Spectrum, QuickSight) read this table. */
  readonly protect: boolean;
  /** The table's columns (the event schema's). @default CURATED_COLUMNS */
  readonly columns?: readonly LakeColumn[];
}

/** The declared curated table: external Parquet, typed columns, partition projection over the job's folders. */
export function curatedTable(i: CuratedTableInputs): aws.glue.CatalogTable {
  return new aws.glue.CatalogTable(
    `${i.name}-curated-table`,
    {
      name: CURATED_TABLE_NAME,
      databaseName: i.databaseName,
      description:
        "Application logs as Snappy Parquet, typed, partitioned by UTC dt/hour (written by the ETL job).",
      tableType: "EXTERNAL_TABLE",
      parameters: pulumi
        .output(i.curatedBucketName)
        .apply((b) => curatedTableParameters(b, i.projectionRangeDays, i.projectionStartDate)),
      storageDescriptor: pulumi
        .output(i.curatedBucketName)
        .apply((b) => curatedStorageDescriptor(b, i.columns)),
      partitionKeys: curatedPartitionKeys(),
    },
    { parent: i.parent, protect: i.protect, retainOnDelete: i.protect },
  );
}

export interface ComparisonQueryInputs extends UnitBase {
  readonly workgroupName: pulumi.Input<string>;
  readonly databaseName: pulumi.Input<string>;
  readonly rawTableName: pulumi.Input<string>;
  /** The curated table the queries read; they are saved after it exists. */
  readonly table: aws.glue.CatalogTable;
}

/** Saves each comparison query (raw, curated, partition-filtered curated) in the workgroup. */
export function comparisonQueries(i: ComparisonQueryInputs): aws.athena.NamedQuery[] {
  return namedQuerySpecs().map(
    (spec) =>
      new aws.athena.NamedQuery(
        `${i.name}-query-${spec.name}`,
        {
          name: spec.name,
          description: spec.description,
          workgroup: i.workgroupName,
          database: i.databaseName,
          query: pulumi
            .all([i.databaseName, i.rawTableName])
            .apply(([database, rawTable]) => spec.query({ database, rawTable })),
        },
        { parent: i.parent, dependsOn: [i.table] },
      ),
  );
}
