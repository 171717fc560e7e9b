#!/usr/bin/env python3
"""Validates configuration files against the committed JSON Schemas (schema/*.json).

Usage: validate_schema.py REPO [READY_TOML ...]
Every checks/*.toml must satisfy schema/check.schema.json, every policies/*.toml and each
READY_TOML given (e.g. what `cargo ready init` wrote) schema/ready.schema.json; and a file with a
misspelt key must fail, so the schemas are known to reject what the tool rejects.
"""
import json
import sys
import tomllib
from pathlib import Path

from jsonschema import Draft202012Validator


def validator(repo: Path, name: str) -> Draft202012Validator:
    schema = json.loads((repo / "schema" / name).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def problems(v: Draft202012Validator, path: Path) -> list[str]:
    doc = tomllib.loads(path.read_text())
    return [f"{path}: {'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in v.iter_errors(doc)]


def main() -> int:
    repo = Path(sys.argv[1])
    check, ready = validator(repo, "check.schema.json"), validator(repo, "ready.schema.json")
    errors = []
    checks = sorted((repo / "checks").glob("*.toml"))
    policies = sorted((repo / "policies").glob("*.toml")) + [Path(p) for p in sys.argv[2:]]
    for p in checks:
        errors += problems(check, p)
    for p in policies:
        errors += problems(ready, p)
    typo = {"checks": {"no-unwrap": {"sevrity": "error"}}}
    if not list(ready.iter_errors(typo)):
        errors.append("ready.schema.json accepts an unknown key")
    bad_match = {**tomllib.loads((repo / "checks" / "no-unwrap.toml").read_text())}
    bad_match["match"] = {"metods": ["unwrap"]}
    if not list(check.iter_errors(bad_match)):
        errors.append("check.schema.json accepts an unknown [match] key")
    for e in errors:
        print(e, file=sys.stderr)
    print(f"schema: {len(checks)} checks and {len(policies)} policies/configs validated, "
          f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
