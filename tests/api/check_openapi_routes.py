#!/usr/bin/env python3
"""Checks that the OpenAPI document and the server's JSON API routes agree, without Swift.

    tests/api/check_openapi_routes.py [--routes PATH] [--document PATH]

Reads the JSON API's routes from Sources/KnotworkWeb/routes.swift (the `api.get/post/patch/put/delete(...)`
calls on the group made by `let api = app.grouped("api", "v1")`, and the same calls on its sub-groups made by
`let name = api.grouped(...)`), turns `:param` segments into `{param}`,
and compares them, method and path, with the operations of Sources/KnotworkWeb/Resources/openapi.json.
Fails (exit 1) when a route is missing from the document or the document describes an operation the server
does not register. Exit 2 when a file cannot be read or parsed.
"""
import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def strip_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"//[^\n]*", "", source)


def string_args(args: str) -> list[str]:
    """The leading string-literal arguments of a call, up to the first non-literal (`use:` ...)."""
    out = []
    for part in args.split(","):
        part = part.strip()
        m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', part)
        if not m:
            break
        out.append(m.group(1))
    return out


def server_routes(routes_swift: Path) -> set[tuple[str, str]]:
    source = strip_comments(routes_swift.read_text(encoding="utf-8"))
    group = re.search(r"\blet\s+api\s*=\s*app\s*\.\s*grouped\(([^)]*)\)", source)
    if not group:
        raise ValueError(f"{routes_swift}: no `let api = app.grouped(...)` found")
    prefixes = {"api": string_args(group.group(1))}
    # Sub-groups of the API group: `let apiChart = api.grouped("patients", ":patientID")`.
    for sub in re.finditer(r"\blet\s+(\w+)\s*=\s*api\s*\.\s*grouped\(([^)]*)\)", source):
        prefixes[sub.group(1)] = prefixes["api"] + string_args(sub.group(2))
    names = "|".join(re.escape(n) for n in prefixes)
    routes = set()
    for m in re.finditer(rf"\b({names})\s*\.\s*(get|post|patch|put|delete)\s*\((.*?)\buse\s*:", source, flags=re.S):
        method, args = m.group(2).upper(), m.group(3)
        segments = prefixes[m.group(1)] + string_args(args)
        path = "/" + "/".join("{" + s[1:] + "}" if s.startswith(":") else s for s in segments)
        routes.add((method, path))
    if not routes:
        raise ValueError(f"{routes_swift}: no api.get/post/patch/put(...) routes found")
    return routes


def document_operations(document: Path) -> set[tuple[str, str]]:
    doc = json.loads(document.read_text(encoding="utf-8"))
    ops = set()
    for path, item in (doc.get("paths") or {}).items():
        for key in item:
            if key.lower() in HTTP_METHODS:
                ops.add((key.upper(), path))
    return ops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--routes", type=Path, default=ROOT / "Sources/KnotworkWeb/routes.swift")
    parser.add_argument("--document", type=Path, default=ROOT / "Sources/KnotworkWeb/Resources/openapi.json")
    args = parser.parse_args()
    try:
        routes = server_routes(args.routes)
        ops = document_operations(args.document)
    except (OSError, ValueError) as e:  # json.JSONDecodeError is a ValueError
        print(f"ERROR: {e}", file=sys.stderr)
        return 2

    missing = sorted(routes - ops, key=lambda r: (r[1], r[0]))
    extra = sorted(ops - routes, key=lambda r: (r[1], r[0]))
    for method, path in missing:
        print(f"MISSING from {args.document.name}: {method} {path} (registered in {args.routes.name})")
    for method, path in extra:
        print(f"NOT A ROUTE: {method} {path} is in {args.document.name} but the server does not register it")
    if missing or extra:
        return 1
    print(f"OK: the {len(routes)} JSON API routes and the {len(ops)} documented operations match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
