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
# repr() as Python writes it (lists, dicts and tuples printed inside a string): quote choice, escapes,
# non-printable and non-ASCII characters.
REPR_STRINGS = [
    "plain", "it's", 'say "hi"', "both ' and \"", "back\\slash", "tab\tnl\ncr\r", "nul\x00bell\x07",
    "del\x7f", "c1\x80\x9f", "nbsp\xa0", "caf\u00e9", "\u20ac", "zw\u200b", "bom\ufeff", "ls\u2028",
    "ps\u2029", "emoji\U0001F600", "cjk\u4e2d", "ideo\u3000sp", "surr?", "priv\ue000", "soft\xad",
    "", " ", "'", '"', "'\"", "\\'",
]
for r in REPR_STRINGS:
    CASES.append("{{ [%s] }}" % repr(r))
CASES += [
    "{{ {'k': \"it's\", \"q'\": [1, 2.5, None, True, False]} }}",
    "{{ [0.1, 0.00001, 0.0001, 123.456, 0.00000015, -0.000042] }}",
    "{{ [[], {}, ['a'], ('t',), ()] }}",
    "{{ ['%s' % ('a',), ('x', ('y',))] }}",
    # a for loop over a dict walks its keys, in order; over a string, its characters
    "{% for k in {'b': 1, 'a': 2} %}{{ loop.index }}={{ k }};{% endfor %}",
    "{% for k in {'x': [1], 'y': {'z': 2}} if k != 'x' %}{{ k }}{% endfor %}",
    "{% for k in {} %}{{ k }}{% else %}empty{% endfor %}",
    "{% for c in 'abc' %}{{ c }}-{% endfor %}",
    "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}{{ v }}{% endfor %}",
    "{% for k in {'a': 1}.keys() %}{{ k }}{% endfor %}{% for v in {'a': 1}.values() %}{{ v }}{% endfor %}",
    "{% for unit in {'u1': ['f'], 'u2': []} %}{% for f in {'u1': ['f'], 'u2': []}[unit] %}{{ unit }}:{{ f }}{% endfor %}{% endfor %}",
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
