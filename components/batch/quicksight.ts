/** QuickSight on Athena: a data source over the workgroup and a direct-query dataset over the raw table. */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { LakeColumn, RAW_COLUMNS, RAW_PARTITION_LEVELS } from "../shared/lake";
import { PROJECT } from "../shared/names";
import type { LayerScope } from "./scope";
import type { LakeCatalog } from "./tables";

/** Actions a QuickSight principal gets on the data source (owner). */
export const QUICKSIGHT_DATA_SOURCE_ACTIONS = [
  "quicksight:DeleteDataSource",
  "quicksight:DescribeDataSource",
  "quicksight:DescribeDataSourcePermissions",
  "quicksight:PassDataSource",
  "quicksight:UpdateDataSource",
  "quicksight:UpdateDataSourcePermissions",
];
/** Actions a QuickSight principal gets on the dataset (owner). */
export const QUICKSIGHT_DATA_SET_ACTIONS = [
  "quicksight:CancelIngestion",
  "quicksight:CreateIngestion",
  "quicksight:DeleteDataSet",
  "quicksight:DescribeDataSet",
  "quicksight:DescribeDataSetPermissions",
  "quicksight:DescribeIngestion",
  "quicksight:ListIngestions",
  "quicksight:PassDataSet",
  "quicksight:UpdateDataSet",
  "quicksight:UpdateDataSetPermissions",
];

/** QuickSight's input column type of a Glue type (anything else is read as STRING). */
const QUICKSIGHT_TYPES: Readonly<Record<string, QuickSightColumnType>> = {
  int: "INTEGER",
  bigint: "INTEGER",
  double: "DECIMAL",
  boolean: "BOOLEAN",
};
export type QuickSightColumnType = "INTEGER" | "DECIMAL" | "BOOLEAN" | "STRING";

/**
 * The dataset's input columns (pure): the raw table's columns (the event schema's), then its
 * partition keys, with Glue `int`/`bigint` as QuickSight's INTEGER, `double` as DECIMAL, `boolean`
 * as BOOLEAN and every other type (times as written) as STRING.
 */
export function quicksightInputColumns(
  rawColumns: readonly LakeColumn[] = RAW_COLUMNS,
): { name: string; type: QuickSightColumnType }[] {
  const columns = [
    ...rawColumns.map((c) => ({ name: c.name, type: c.type })),
    ...RAW_PARTITION_LEVELS.map((l) => ({ name: l.key, type: l.type })),
  ];
  return columns.map((c) => ({ name: c.name, type: QUICKSIGHT_TYPES[c.type] ?? "STRING" }));
}

/** Inputs of {@link createQuickSight}. */
export interface QuickSightInputs extends LayerScope {
  /** QuickSight user or group ARN that owns the data source and dataset. */
  readonly principalArn: string;
  /** The Athena workgroup the data source queries through. */
  readonly workgroupName: pulumi.Output<string>;
  /** The catalog; the dataset reads its raw table. */
  readonly catalog: LakeCatalog;
  /** The raw table's columns (the event schema's). @default RAW_COLUMNS */
  readonly rawColumns?: readonly LakeColumn[];
}

/** The dataset, for the layer's outputs. */
export interface QuickSight {
  readonly dataSetId: string;
}

/** Creates the Athena data source and the raw-logs dataset, both owned by the principal. */
export function createQuickSight(i: QuickSightInputs): QuickSight {
  const { parent, name, stack, principalArn: principal, catalog } = i;
  const dataSource = new aws.quicksight.DataSource(
    `${name}-quicksight-source`,
    {
      dataSourceId: `${PROJECT}-${stack}-athena`,
      name: `${PROJECT} ${stack} Athena`,
      type: "ATHENA",
      parameters: { athena: { workGroup: i.workgroupName } },
      permissions: [{ principal, actions: QUICKSIGHT_DATA_SOURCE_ACTIONS }],
    },
    { parent },
  );
  const dataSetId = `${PROJECT}-${stack}-app-logs-raw`;
  new aws.quicksight.DataSet(
    `${name}-quicksight-dataset`,
    {
      dataSetId,
      name: `${PROJECT} ${stack} app logs (raw)`,
      importMode: "DIRECT_QUERY",
      physicalTableMaps: [
        {
          physicalTableMapId: "applogsraw",
          relationalTable: {
            dataSourceArn: dataSource.arn,
            catalog: "AwsDataCatalog",
            schema: catalog.database.name,
            name: catalog.rawTable.name,
            inputColumns: quicksightInputColumns(i.rawColumns),
          },
        },
      ],
      permissions: [{ principal, actions: QUICKSIGHT_DATA_SET_ACTIONS }],
    },
    { parent },
  );
  return { dataSetId };
}
