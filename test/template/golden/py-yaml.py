#!/usr/bin/python3
"""Regenerates py-yaml.json: PyYAML as Ansible's filters use it — from_yaml/from_yaml_all (SafeLoader,
YAML 1.1 resolvers) and to_yaml/to_nice_yaml (AnsibleDumper through Ansible's own filter functions),
for src/py-yaml.ts. Run: /usr/bin/python3 test/template/golden/py-yaml.py"""
import json, math, os
import yaml
from ansible.plugins.filter.core import from_yaml, from_yaml_all, to_yaml, to_nice_yaml

LOAD = [
    "yes: no", "a: [yes, no, on, off, y, n, Yes, NO, true, False, TRUE, On, OFF, Y, N]",
    "mode: 0777", "m: [0644, 0o644, 0x1F, 0b101, 1_000, -0777, +12, 012_3]", "t: 1:30", "t: [190:20:30, -1:00, 1:30.5]",
    "f: [1.5, 1e3, 1.0e3, 1.0e+3, 1.e-2, .5, -.inf, .Inf, .NaN, 6.8523015e+5, 685.230_15e+03, 1_0.5]",
    "n: [~, null, Null, NULL, '', nil, None]", "d: 2001-12-14", "ts: 2001-12-14t21:59:43.10-05:00",
    "s: ['123', \"true\", 'yes', 0777 text, 1:2:3:4, 08, 09, 0_8]", "empty:", "- a\n- b\n- {c: d}",
    "base: &b {x: 1, y: 2}\nder:\n  <<: *b\n  y: 3", "list: &l [1, 2]\ncopy: *l",
    "multi: |\n  line1\n  line2\nfolded: >\n  a\n  b\n", "plain: hello world", "'quoted key': v",
    "k: !!str 123", "k: !!int '42'", "k: !!float '1'", "unicode: caf\u00e9 \u20ac", "octal_str: '0777'",
    "x: 1.0", "x: -0", "x: 0", "x: 00", "x: 0b", "x: 0x", "x: 1__0", "x: 3.", "x: '3.'",
    "{a: 1, b: [2, 3]}", "[]", "", "# only a comment", "just a string", "42", "yes", "- 1\n- 2.5\n- '3'",
    "key: value\nkey2: [a, b]\nnested:\n  deeper:\n    deepest: true",
    "a: 'it''s'\nb: \"tab\\there\\u00e9\"", "a: [1, 2", "a: b: c",
]
LOAD_ALL = ["a: 1\n---\nb: 2\n", "--- 1\n--- yes\n--- [x]\n", "", "a: 1\n...\n---\nb: on\n"]

DUMP = [
    {"a": 1, "b": [1, 2], "c": {"d": "e"}}, [1, 2, 3], ["a", {"b": 1}], {"b": 2, "a": 1}, "hello", 42, 3.5,
    True, None, [], {}, [[1, 2], [3]], {"k": []}, {"k": {}}, {"list": [{"name": "x", "v": [1, 2]}, {"name": "y"}]},
    {"s": ["yes", "no", "on", "true", "null", "~", "123", "1.5", "0777", "1:30", "1e3", "2001-12-14", ""]},
    {"s": ["a: b", "a #b", "#c", "- x", "-x", "? q", ":x", "x:", "[a]", "{a}", "a,b", "'q'", '"d"', "@at", "`bt", "!bang", "&amp", "*star", "%pct", "|pipe", ">gt"]},
    {"s": [" lead", "trail ", "multi\nline", "multi\nline\n", "tab\there", "caf\u00e9", "\u20ac", "\U0001F600", "nul\x00", "bell\x07", "nbsp\u00a0x", "\ufeffbom", "ls\u2028x", "x\x85y"]},
    {"long": "word " * 30, "longer": "a" * 100, "mixed": "short words " * 12 + "end"},
    {"long_list": ["item number %d with some words" % i for i in range(5)]},
    {"quoted_long": "it's: " + "quoted words here " * 8}, {"nested": {"deep": {"deeper": ["x", {"y": [1, {"z": None}]}]}}},
    {"unicode_key_\u00e9": "v", "1": "one", "true": "t", "null": "n"}, {"f": [0.1, 1.5, -2.25, 1e-07, 123456.789]},
    {"ints": [0, -1, 10 ** 15]}, {"bools": [True, False]}, {"a": "x" * 79}, {"a": "x " * 45},
    ["- a", "b"], {"multi": "first line\nsecond line\n\nfourth"}, {"sp": "two  spaces", "end": "end\n"},
    {"zz": 1, "aa": 2, "mm": {"b": 1, "a": 2}},
    {"k" * 130: 1, "": "empty key", "multi\nkey": 2}, {"flow": ["w%d" % i for i in range(40)]},
    {"flowlong": ["a long string with words %d" % i for i in range(6)]}, ["---", "...", "--- x", "a: b: c", "k #c", "x- y"],
    {"dq": "tab\t" + "word " * 20}, {"sq": "'" + "word " * 20 + "'"}, {"map": {"a": "x" * 100}},
    [{"a": 1, "b": [1, {"c": 2}]}, [[1, [2, [3]]]]], {"s": "=", "t": "<<", "u": "1_000", "v": "0x1F", "w": ".inf", "x": "-.5", "y": "1:20", "z": "2001-12-14 1:2:3"},
    {"unicode": "été 中文 क"}, "multi\nline root", " padded root ", "", "yes",
]

def norm(v):
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, float) and math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if isinstance(v, dict):
        return {str(k): norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)

def attempt(f):
    try:
        return {"result": f()}
    except Exception as e:  # noqa: BLE001
        return {"error": type(e).__name__}

out = {"load": [], "load_all": [], "dump": []}
for doc in LOAD:
    out["load"].append({"yaml": doc, **attempt(lambda: norm(from_yaml(doc)))})
for doc in LOAD_ALL:
    out["load_all"].append({"yaml": doc, **attempt(lambda: norm(list(from_yaml_all(doc))))})
for value in DUMP:
    case = {"value": norm(value)}
    case["to_yaml"] = to_yaml(value)
    case["to_yaml_unsorted"] = to_yaml(value, sort_keys=False)
    case["to_nice_yaml"] = to_nice_yaml(value)
    case["to_nice_yaml_indent2"] = to_nice_yaml(value, indent=2)
    case["to_yaml_block"] = to_yaml(value, default_flow_style=False)
    out["dump"].append(case)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "py-yaml.json"), "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False, allow_nan=False)
    f.write("\n")
print(len(LOAD) + len(LOAD_ALL), "documents read,", len(DUMP), "values x 5 dumps")
