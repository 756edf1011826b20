/**
 * The lake's Glue Data Catalog resources: the database, the projected raw table (Athena) and its
 * unpartitioned twin (Redshift Spectrum), built from the pure definitions in `catalog.ts`.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { RAW_TABLE_NAME, RAW_UNPARTITIONED_TABLE_NAME } from "../shared/lake";
import { PROJECT } from "../shared/names";
import { EventSchema, HANDS_ON_SCHEMA } from "../shared/schema";
import { rawTableDefinition, rawUnpartitionedTableDefinition, readsTextLines } from "./catalog";
import type { LayerScope } from "./scope";

/** Inputs of {@link createLakeCatalog}. */
export interface LakeCatalogInputs extends LayerScope {
  /** Name of the Glue database (validated by the layer). */
  readonly databaseName: string;
  /** The raw bucket, where both tables' objects live. */
  readonly rawBucketName: pulumi.Output<string>;
  /** Days of raw retention, also the partition projection's date range. */
  readonly rawExpirationDays: number;
  /** First projected day (yyyy-MM-dd), or undefined for the whole retention. */
  readonly projectionStartDate?: string;
  /** protect + retainOnDelete on the database. */
  readonly protect: boolean;
  /** The event schema: the raw tables' columns and how they read a line. @default HANDS_ON_SCHEMA */
  readonly eventSchema?: EventSchema;
}

/** The database and tables, for the queries, Spectrum and QuickSight (and their ordering). */
export interface LakeCatalog {
  readonly database: aws.glue.CatalogDatabase;
  readonly rawTable: aws.glue.CatalogTable;
  readonly rawUnpartitionedTable: aws.glue.CatalogTable;
}

/** Creates the Glue database and the two raw tables over the raw bucket. */
export function createLakeCatalog(i: LakeCatalogInputs): LakeCatalog {
  const { parent, name, stack, protect } = i;
  const database = new aws.glue.CatalogDatabase(
    `${name}-database`,
    {
      name: i.databaseName,
      description: `${PROJECT} ${stack}: application logs (raw JSON from Firehose, curated Parquet from the ETL job)`,
    },
    { parent, protect, retainOnDelete: protect },
  );
  // Checked now, so a bad start date fails before anything is registered, not inside an apply.
  const schema = i.eventSchema ?? HANDS_ON_SCHEMA;
  rawTableDefinition("check", i.rawExpirationDays, i.projectionStartDate, schema);
  const rawDef = i.rawBucketName.apply((b) =>
    rawTableDefinition(b, i.rawExpirationDays, i.projectionStartDate, schema),
  );
  const lines = readsTextLines(schema)
    ? `gzip text lines, read with the ${schema.name} format's pattern`
    : "gzip JSON lines";
  const rawTable = new aws.glue.CatalogTable(
    `${name}-raw-table`,
    {
      name: RAW_TABLE_NAME,
      databaseName: database.name,
      description: `Application logs as delivered by Firehose (${lines}), partitions projected from the prefix (UTC)`,
      tableType: rawDef.tableType,
      parameters: rawDef.parameters,
      partitionKeys: rawDef.partitionKeys,
      storageDescriptor: rawDef.storageDescriptor,
    },
    { parent },
  );
  const flatDef = i.rawBucketName.apply((b) => rawUnpartitionedTableDefinition(b, schema));
  const rawUnpartitionedTable = new aws.glue.CatalogTable(
    `${name}-raw-unpartitioned-table`,
    {
      name: RAW_UNPARTITIONED_TABLE_NAME,
      databaseName: database.name,
      description:
        "The raw logs without partitions, for Redshift Spectrum (which does not use Athena's partition projection)",
      tableType: flatDef.tableType,
      parameters: flatDef.parameters,
      storageDescriptor: flatDef.storageDescriptor,
    },
    { parent },
  );
  return { database, rawTable, rawUnpartitionedTable };
}
