#!/usr/bin/python3
"""Checks reports/nsmatrix.schema.json against its fixtures.

Usage: validate_schema.py SCHEMA TESTDATA_DIR
       validate_schema.py SCHEMA --documents FILE...

Every TESTDATA_DIR/*.json must validate; every TESTDATA_DIR/invalid/*.json must be
rejected. With --documents, every FILE (real reports: the committed baselines, a
run's matrix.json) must validate. Exits 0 when all hold, 1 otherwise, 2 on bad
usage. Needs Debian's python3-jsonschema (run with /usr/bin/python3).
"""

import json
import pathlib
import sys

import jsonschema


def main(argv):
    documents = len(argv) >= 4 and argv[2] == "--documents"
    if (len(argv) != 3 and not documents) or argv[2:] == ["--documents"]:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.loads(pathlib.Path(argv[1]).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    if documents:
        valid = [pathlib.Path(name) for name in argv[3:]]
        invalid = []
    else:
        testdata = pathlib.Path(argv[2])
        valid = sorted(testdata.glob("*.json"))
        invalid = sorted((testdata / "invalid").glob("*.json"))
        if not valid or not invalid:
            print(f"FAIL: need fixtures in {testdata} and {testdata / 'invalid'}")
            return 1

    ok = True
    for path in valid:
        errors = list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
        if errors:
            ok = False
            print(f"FAIL: {path} should validate:")
            for error in errors:
                location = "/".join(str(p) for p in error.absolute_path)
                print(f"  at /{location}: {error.message}")
        else:
            print(f"ok: {path} validates")
    for path in invalid:
        errors = list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
        if not errors:
            ok = False
            print(f"FAIL: invalid/{path.name} should be rejected but validates")
        else:
            error = jsonschema.exceptions.best_match(errors)
            location = "/".join(str(p) for p in error.absolute_path)
            print(f"ok: invalid/{path.name} rejected at /{location}: {error.message[:120]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
