#!/usr/bin/python3
"""Regenerates python-semantics.json: templates rendered by python3-jinja2 as Ansible's template module
renders files (trim_blocks, Ansible's core filters), for the template layer's tests. (Playbook strings
differ: Ansible doubles backslashes in {{ }} string literals there; see the README's differences.)
Run: /usr/bin/python3 test/template/golden/python-semantics.py"""
import json, os
import jinja2
from ansible.plugins.filter.core import FilterModule
from ansible.plugins.test.files import TestModule as FileTests
from ansible.plugins.test.mathstuff import TestModule as MathTests

CASES = [
    r"{{ 'W\w+' }}",
    r"{{ 'Hello World' | regex_search('W\w+') }}",
    r"{{ 'a\tb' }}|{{ 'a\x41\u00e9' }}|{{ 'q\'s' }}|{{ 'oct\101' }}|{{ 'bs\\x' }}|{{ 'unk\d\.\(' }}",
    "{# a comment #}\nline\n{# another #}\n{% if true %}\nyes\n{% endif %}\nend",
    "{{ [\"it's\", 'a\"b', 'tab\there', 'x'] }}",
    "{{ 'c.tar.gz' | splitext }} {{ 'k=v a=b' | regex_findall('(\\w+)=(\\w+)') }} {{ 'x' | regex_findall('x') }}",
    "{{ ('a',) }} {{ ('a', 1) }} {{ {'t': ('a', 'b')} }}",
    "{{ '/proc' is mount }} {{ '/etc' is mount }} {{ '/' is mount }} {{ '/etc/hosts' is link }} {{ '/etc' is abs }}",
    "{{ '/etc/hosts' is same_file('/etc/../etc/hosts') }} {{ '/etc' is directory }} {{ '/etc/hosts' is file }}",
    "{{ [1] is issubset([1, 2]) }} {{ [1, 2] is issuperset([2]) }} {{ [3] is subset([1]) }}",
]

env = jinja2.Environment(trim_blocks=True)
env.filters.update(FilterModule().filters())
env.tests.update(FileTests().tests())
env.tests.update(MathTests().tests())
out = []
for c in CASES:
    try:
        out.append({"template": c, "result": env.from_string(c).render()})
    except Exception as e:  # noqa: BLE001
        out.append({"template": c, "error": str(e)})
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "python-semantics.json"), "w") as f:
    json.dump(out, f, indent=2, ensure_ascii=False)
    f.write("\n")
