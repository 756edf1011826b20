"""A local stand-in for exactly the ``awsglue`` calls components/etl/jobs/app_logs_to_parquet.py makes.

The real library is not on the package index; it ships inside Glue. This package implements only
what the script uses, on plain PySpark, and raises for anything else, so a new Glue call in the
script fails the local run instead of silently doing something different:

- ``awsglue.utils.getResolvedOptions(argv, names)``
- ``awsglue.context.GlueContext(sc)``: ``spark_session``, ``get_logger()``,
  ``create_dynamic_frame.from_options(connection_type="s3", connection_options, format="json",
  transformation_ctx)`` with the connection options ``paths``, ``recurse``, ``groupFiles``,
  ``groupSize``, ``attachFilename`` and ``excludeStorageClasses`` (``GLACIER``, ``DEEP_ARCHIVE``: a
  local file has no storage class, so nothing is skipped); the same with ``format="csv"`` and exactly the
  ``format_options`` ``separator``, ``quoteChar="-1"`` (quoting off) and ``withHeader=False``, which
  Glue reads as each line split at the separator into ``col0``, ``col1``, ... (no escaper is
  Glue's default)
- ``DynamicFrame.errorsAsDynamicFrame()``, ``DynamicFrame.resolveChoice(choice="cast:string")``,
  ``DynamicFrame.toDF()``
- ``awsglue.job.Job(glue_context)``: ``init(name, args)`` and ``commit()``, with a job bookmark kept
  in a JSON file per job under ``$AWSGLUE_LOCAL_BOOKMARK_DIR`` (no bookmark when it is unset, like
  ``--job-bookmark-option job-bookmark-disable``).

Where it differs from Glue, and why that does not change what the tests prove:

- Glue's JSON reader infers a schema with choice types; Spark's reader widens a field seen with two
  types to string, which is what ``resolveChoice(choice="cast:string")`` gives the script on Glue.
- The CSV read is Spark's text reader (the same Hadoop line reader) with each line split at the
  separator; every column is a string. Should Glue type a column, the script turns the value back
  into text (transform.line_of).
- Glue's S3 bookmark tracks objects by modification time; this one tracks object paths. Both offer
  an object to exactly one committed run, and both offer it again after a run that did not commit.
"""
