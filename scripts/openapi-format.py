"""Writes src/http/openapi.json in its diff-friendly layout: everything but
the paths on the first line, then one line per path. Run after editing the
document with a script: python3 scripts/openapi-format.py"""
import json
import pathlib

path = pathlib.Path(__file__).resolve().parent.parent / "src/http/openapi.json"
doc = json.loads(path.read_text())
paths = doc.pop("paths")
head = json.dumps(doc)[:-1]
lines = [f"{json.dumps(k)}:{json.dumps(v)}" for k, v in paths.items()]
path.write_text(head + ',"paths":{\n' + ",\n".join(lines) + "\n}}\n")
