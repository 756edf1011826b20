"""Checks of the job's modules that need neither Spark nor Glue: they compile, Glue is touched in
one place only (and only through calls the local stand-in implements), the modules Glue must ship
are the ones the script imports, and the Python constants equal the TypeScript lake facts."""

import ast
import json
import os
import py_compile
import sys
import tempfile
import unittest

JOBS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
STAND_IN = os.path.normpath(os.path.join(JOBS, "..", "..", "..", "tools", "etl", "awsglue"))
SCRIPT = os.path.join(JOBS, "app_logs_to_parquet.py")
sys.path.insert(0, JOBS)

import transform  # noqa: E402

with open(os.path.join(JOBS, "modules.json"), encoding="utf-8") as f:
    MODULES = json.load(f)


def tree_of(name):
    with open(os.path.join(JOBS, name), encoding="utf-8") as f:
        return ast.parse(f.read(), name)


def imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module


def local_imports(name, seen=None):
    """The job's own modules ``name`` imports, transitively."""
    seen = set() if seen is None else seen
    for module in imports(tree_of(name)):
        file = f"{module}.py"
        if os.path.exists(os.path.join(JOBS, file)) and file not in seen:
            seen.add(file)
            local_imports(file, seen)
    return seen


class JobModules(unittest.TestCase):
    def test_compiles(self):
        for name in [MODULES["script"], *MODULES["extraPyFiles"]]:
            with self.subTest(module=name):
                with tempfile.TemporaryDirectory() as tmp:
                    py_compile.compile(os.path.join(JOBS, name), cfile=os.path.join(tmp, "out.pyc"), doraise=True)

    def test_glue_ships_exactly_the_modules_the_script_imports(self):
        self.assertEqual(MODULES["script"], "app_logs_to_parquet.py")
        self.assertEqual(sorted(local_imports(MODULES["script"])), sorted(MODULES["extraPyFiles"]))

    def test_only_the_entry_script_imports_awsglue(self):
        for name in MODULES["extraPyFiles"]:
            with self.subTest(module=name):
                self.assertEqual([m for m in imports(tree_of(name)) if m.split(".")[0] == "awsglue"], [])

    def test_every_awsglue_import_exists_in_the_local_stand_in(self):
        used = [(n.module, a.name) for n in ast.walk(tree_of(MODULES["script"])) if isinstance(n, ast.ImportFrom) and n.module.startswith("awsglue") for a in n.names]
        self.assertEqual(sorted(used), [("awsglue.context", "GlueContext"), ("awsglue.job", "Job"), ("awsglue.utils", "getResolvedOptions")])
        for module, name in used:
            with self.subTest(name=name):
                with open(os.path.join(STAND_IN, module.split(".")[1] + ".py"), encoding="utf-8") as f:
                    self.assertIn(f"def {name}" if name[0].islower() else f"class {name}", f.read())

    def test_the_source_reads_have_a_transformation_ctx_for_bookmarks_and_attach_the_file(self):
        reads = [c for c in ast.walk(tree_of(MODULES["script"])) if isinstance(c, ast.Call) and getattr(c.func, "attr", "") == "from_options"]
        self.assertEqual(len(reads), 2)
        formats = {}
        for read in reads:
            keywords = {k.arg: k.value for k in read.keywords}
            self.assertEqual(ast.unparse(keywords["connection_options"]), 'dict(RAW_CONNECTION_OPTIONS, paths=[args["raw_path"]])'.replace('"', "'"))
            formats[ast.literal_eval(keywords["format"])] = (
                ast.unparse(keywords["format_options"]) if "format_options" in keywords else None,
                ast.unparse(keywords["transformation_ctx"]),
            )
        # The hands-on's JSON read; a user format's lines through the CSV reader; both bookmarked under
        # the context of their shape and generation (raw_app_logs for the hands-on at generation 0).
        self.assertEqual(formats, {"json": (None, "context"), "csv": ("transform.LINE_FORMAT_OPTIONS", "context")})
        with open(SCRIPT, encoding="utf-8") as f:
            source = f.read()
        self.assertIn("context = transform.bookmark_context(schema, shape.generation)", source)
        self.assertIn("shape = pipeline.read_shape(spark, args[\"curated_path\"], transform.shape_digest(schema))", source)
        self.assertLess(source.index("shape = pipeline.read_shape("), source.index("create_dynamic_frame"))
        self.assertIn("shape=shape", source)
        self.assertIn('"attachFilename": pipeline.SOURCE_COLUMN', source)
        self.assertIn("job.init(", source)
        self.assertIn("commit=job.commit", source)

    def test_reads_exactly_the_arguments_the_component_sets(self):
        def assigned(name):
            found = [n for n in ast.walk(tree_of(MODULES["script"])) if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == name]
            return ast.literal_eval(found[0].value)

        self.assertEqual(assigned("ARGUMENTS"), ["JOB_NAME", "raw_path", "curated_path", "quarantine_path", "TempDir"])
        with open(os.environ["LAKE_FACTS"], encoding="utf-8") as f:
            self.assertEqual(["--" + name for name in assigned("OPTIONAL_ARGUMENTS")], [json.load(f)["eventSchemaArgument"]])


class AgreesWithTheTypeScriptLakeFacts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        path = os.environ.get("LAKE_FACTS")
        if not path:
            raise AssertionError("LAKE_FACTS is not set: run these tests through npm test (test/components/etl/python.test.ts writes it).")
        with open(path, encoding="utf-8") as f:
            cls.facts = json.load(f)

    def test_curated_columns_and_types(self):
        self.assertEqual([(c["name"], c["type"]) for c in self.facts["curatedColumns"]], [(n, transform.CURATED_COLUMN_TYPES[n]) for n in transform.CURATED_FIELDS])
        self.assertEqual(len(transform.CURATED_COLUMN_TYPES), len(transform.CURATED_FIELDS))

    def test_raw_fields(self):
        self.assertEqual(tuple(c["name"] for c in self.facts["rawColumns"]), transform.RAW_FIELDS)

    def test_partition_keys_and_types(self):
        self.assertEqual(tuple(self.facts["partitionKeyOrder"]), transform.PARTITION_KEYS)
        self.assertEqual({k["name"]: k["type"] for k in self.facts["partitionKeys"]}, transform.PARTITION_KEY_TYPES)

    def test_levels_and_time_format(self):
        self.assertEqual(tuple(self.facts["logLevels"]), transform.LOG_LEVELS)
        self.assertEqual(self.facts["logTimeFormat"], transform.LOG_TIME_FORMAT)


if __name__ == "__main__":
    unittest.main()
