"""``DynamicFrame``: the three calls the script makes, over a Spark DataFrame."""

from pyspark.sql import functions as F

CORRUPT = "_corrupt_record"


class DynamicFrame:
    def __init__(self, df, errors):
        self._df = df
        self._errors = errors

    def toDF(self):  # noqa: N802 (Glue's name)
        return self._df

    def errorsAsDynamicFrame(self):  # noqa: N802
        return DynamicFrame(self._errors, self._errors.limit(0))

    def resolveChoice(self, choice=None, **kwargs):  # noqa: N802
        if choice != "cast:string" or kwargs:
            raise NotImplementedError(f"the stand-in only implements resolveChoice(choice='cast:string'), not {choice!r} {kwargs}")
        return self


def from_json_frame(df, source_column):
    """Splits what Spark's PERMISSIVE JSON reader returned into records and unreadable lines."""
    if CORRUPT not in df.columns:
        return DynamicFrame(df, df.sparkSession.createDataFrame([], "reason string, record string, " + source_column + " string"))
    bad = df.where(F.col(CORRUPT).isNotNull()).select(
        F.lit("unreadable_json").alias("reason"), F.col(CORRUPT).alias("record"), F.col(source_column)
    )
    good = df.where(F.col(CORRUPT).isNull()).drop(CORRUPT)
    return DynamicFrame(good, bad)
