"""Bytes a query engine reads for one hour-scoped question, from the objects and Parquet footers.

    python tools/bench/scan_measure.py --raw DIR --curated DIR --dt yyyy-MM-dd --hour HH --columns a,b,c

Raw JSON has no columns to skip: an engine reads whole objects (all of them without a partition
filter, the hour's prefix with one). Parquet: only the column chunks of the referenced columns, in
every file without a partition filter and in the selected dt/hour folder with one; the sizes are
each chunk's total_compressed_size from the file footers, which is what Athena bills.
Prints one JSON object.
"""

import argparse
import json
import os

import pyarrow.parquet as pq


def files_below(root, suffix):
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(("_", "."))]
        found += [os.path.join(folder, n) for n in names if n.endswith(suffix) and not n.startswith(("_", "."))]
    return sorted(found)


def column_bytes(path, columns):
    meta = pq.ParquetFile(path).metadata
    total = 0
    for g in range(meta.num_row_groups):
        rg = meta.row_group(g)
        for c in range(rg.num_columns):
            chunk = rg.column(c)
            if chunk.path_in_schema in columns:
                total += chunk.total_compressed_size
    return total, meta.num_rows


def main():
    p = argparse.ArgumentParser()
    for name in ("raw", "curated", "dt", "hour", "columns"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()
    columns = set(a.columns.split(","))
    partition = os.path.join(f"dt={a.dt}", f"hour={a.hour}")
    raw = files_below(a.raw, ".gz")
    curated = files_below(a.curated, ".parquet")
    raw_hour = [f for f in raw if partition + os.sep in f]
    cur_hour = [f for f in curated if partition + os.sep in f]
    sizes = {f: column_bytes(f, columns) for f in curated}
    print(
        json.dumps(
            {
                "rawObjects": len(raw),
                "rawAll": sum(os.path.getsize(f) for f in raw),
                "rawHourObjects": len(raw_hour),
                "rawHour": sum(os.path.getsize(f) for f in raw_hour),
                "parquetFiles": len(curated),
                "parquetFileBytes": sum(os.path.getsize(f) for f in curated),
                "parquetAll": sum(sizes[f][0] for f in curated),
                "parquetRows": sum(sizes[f][1] for f in curated),
                "partitionedFiles": len(cur_hour),
                "partitioned": sum(sizes[f][0] for f in cur_hour),
                "partitionedRows": sum(sizes[f][1] for f in cur_hour),
            }
        )
    )


if __name__ == "__main__":
    main()
