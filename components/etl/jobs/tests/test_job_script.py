"""Checks of the Glue job script that need neither Spark nor Glue: it compiles, and it keeps the
wiring the job relies on (bookmarks, partitioning, the pure module, the commit)."""

import ast
import os
import py_compile
import tempfile
import unittest

JOBS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SCRIPT = os.path.join(JOBS, "app_logs_to_parquet.py")


def calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def call_name(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


class JobScript(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SCRIPT, encoding="utf-8") as f:
            cls.source = f.read()
        cls.tree = ast.parse(cls.source, SCRIPT)

    def test_compiles(self):
        for path in [SCRIPT, os.path.join(JOBS, "transform.py")]:
            with self.subTest(path=os.path.basename(path)):
                with tempfile.TemporaryDirectory() as tmp:
                    py_compile.compile(path, cfile=os.path.join(tmp, "out.pyc"), doraise=True)

    def test_the_source_read_has_a_transformation_ctx_for_bookmarks(self):
        reads = [c for c in calls(self.tree) if call_name(c) == "from_options"]
        self.assertEqual(len(reads), 1)
        keywords = {k.arg: k.value for k in reads[0].keywords}
        self.assertEqual(ast.literal_eval(keywords["transformation_ctx"]), "raw_app_logs")
        self.assertEqual(ast.literal_eval(keywords["format"]), "json")

    def test_initialises_and_commits_the_job(self):
        names = [call_name(c) for c in calls(self.tree)]
        self.assertIn("init", names)
        self.assertEqual(names.count("commit"), 1)

    def test_writes_snappy_parquet_partitioned_by_the_pure_modules_keys(self):
        self.assertIn(".partitionBy(*transform.PARTITION_KEYS)", self.source)
        self.assertIn('.option("compression", "snappy")', self.source)
        self.assertIn(".parquet(args[\"curated_path\"])", self.source)

    def test_reads_exactly_the_arguments_the_component_sets(self):
        assigns = [n for n in ast.walk(self.tree) if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "ARGUMENTS"]
        self.assertEqual(ast.literal_eval(assigns[0].value), ["JOB_NAME", "raw_path", "curated_path", "quarantine_path"])

    def test_the_schema_matches_the_pure_modules_fields(self):
        import sys

        sys.path.insert(0, JOBS)
        import transform

        schema = [n for n in ast.walk(self.tree) if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "CURATED_SCHEMA"][0]
        fields = [ast.literal_eval(c.args[0]) for c in calls(schema) if call_name(c) == "StructField"]
        self.assertEqual(tuple(fields), transform.CURATED_FIELDS + transform.PARTITION_KEYS)


if __name__ == "__main__":
    unittest.main()
