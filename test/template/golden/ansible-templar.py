#!/usr/bin/python3
"""Regenerates ansible-templar.json: playbook strings rendered by Ansible 2.14's own Templar (its
environment, filters, tests and undefined handling), for test/template/ansible-templar.test.ts. Each case
starts with text so both sides give a string. Run: /usr/bin/python3 test/template/golden/ansible-templar.py"""
import json, os
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

VARS = {
    "users": [{"n": "a", "g": "x"}, {"n": "b", "g": "y"}, {"n": "c", "g": "x", "zz": 1}],
    "nums": [3, 1, 2],
    "url": "https://ann:pw@h.example.com:8443/a/b.html?q=1&r=2#frag",
    "nothing": None,
}

CASES = [
    # tests true/false (Jinja2 3.x): only the booleans themselves
    "r: {{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }} {{ none is false }}",
    "r: {{ [true, 1, 'yes', false, 0, none] | select('true') | list }} {{ [true, false, 0] | reject('false') | list }}",
    # nan
    "r: {{ 'nan' | float is nan }} {{ 1.5 is nan }} {{ 'NaN' | float is nan }} {{ 'inf' | float is nan }}",
    "r: {{ [1, 2] is issubset([1, 2, 3]) }} {{ [1, 4] is issubset([1, 2]) }} {{ [1, 2, 3] is issuperset([3]) }} {{ [1] is superset([1, 2]) }}",
    # path tests, controller side
    "r: {{ '/etc' is directory }} {{ '/etc/hostname' is file }} {{ '/etc' is file }} {{ '/nonexistent' is exists }} {{ '/etc' is exists }}",
    "r: {{ '/etc' is abs }} {{ 'etc' is abs }} {{ '/etc/os-release' is link }} {{ '/etc/hostname' is link }}",
    # urlsplit
    "r: {{ url | urlsplit('scheme') }} {{ url | urlsplit('netloc') }} {{ url | urlsplit('hostname') }} {{ url | urlsplit('port') }}",
    "r: {{ url | urlsplit('path') }} {{ url | urlsplit('query') }} {{ url | urlsplit('fragment') }} {{ url | urlsplit('username') }} {{ url | urlsplit('password') }}",
    "r: {{ url | urlsplit }}",
    "r: {{ 'http://h/p' | urlsplit }}",
    "r: {{ ('ftp://[::1]:21/x' | urlsplit).hostname }} {{ 'ftp://[::1]:21/x' | urlsplit('netloc') }} {{ 'http://H.Example/' | urlsplit('hostname') }}",
    # groupby: a list of (grouper, list) tuples
    "r: {{ users | groupby('g') }}",
    "r: {{ (users | groupby('g'))[0][0] }} {{ (users | groupby('g'))[0].grouper }} {{ (users | groupby('g'))[1].list | map(attribute='n') | list }} {{ users | groupby('g') | length }}",
    "r: {% for g, items in users | groupby('g') %}{{ g }}={{ items | map(attribute='n') | join(',') }} {% endfor %}",
    "r: {{ users | groupby('g') | map('first') | list }} {{ (users | groupby('g') | first)[1] | length }}",
    "r: {{ [{'k': 'B'}, {'k': 'a'}, {'k': 'b'}] | groupby('k') }}",
    # None printed inside text is empty (Ansible's finalize); inside a list it is None
    "r: {{ none }}|{{ nothing }}|{{ [none] }}|{{ ('http://h/p' | urlsplit).port }}|{{ {'a': none} }}",
    # map(attribute=...) where an item lacks it
    "r: {{ users | map(attribute='zz') | list | length }} {{ users | map(attribute='zz') | select('defined') | list }}",
    "r: {{ users | map(attribute='zz', default=0) | list }} {{ users | map(attribute='zz') | reject('undefined') | list }}",
    "r: {{ users | map(attribute='zz') | list }}",
    "r: {{ users | map(attribute='zz') | join(',') }}",
    "r: {{ users | map(attribute='zz') | first }}",
]

templar = Templar(loader=DataLoader(), variables=VARS)
out = []
for c in CASES:
    try:
        out.append({"template": c, "result": str(templar.template(c))})
    except Exception as e:  # noqa: BLE001
        out.append({"template": c, "error": str(e).split("\n")[0]})
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "ansible-templar.json"), "w") as f:
    json.dump({"vars": VARS, "cases": out}, f, indent=2, ensure_ascii=False)
    f.write("\n")
