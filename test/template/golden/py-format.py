#!/usr/bin/python3
"""Regenerates py-format.json: Python's printf-style formatting (`'%5.2f' % x`, `'%(n)s' % d`, the `format`
filter) as python3-jinja2 renders it in a template, for src/template/py-format.ts.
Run: /usr/bin/python3 test/template/golden/py-format.py"""
import itertools, json, os
import jinja2
from ansible.plugins.filter.core import FilterModule

SPECS = [
    "%s", "%r", "%a", "%5s", "%-5s|", "%.2s", "%5.1s|", "%d", "%i", "%u", "%5d", "%-5d|", "%05d", "%+d", "% d",
    "%.3d", "%+08.3d", "%x", "%X", "%#x", "%#X", "%#06x", "%o", "%#o", "%f", "%.0f", "%#.0f", "%+.2f",
    "%08.3f", "%-10.2f|", "% f", "%e", "%E", "%.2e", "%#.0e", "%012.3e", "%g", "%G", "%.3g", "%#g", "%.0g",
    "%10.4g", "%-+10.4g|", "%c", "x%%y%s",
]
VALUES = [
    "0", "7", "-42", "255", "65", "123456789", "3.14159", "-2.5", "0.5", "2.5", "0.125", "0.000123456",
    "0.0000001", "123456789.125", "1234567.891", "'abc'", "'h\u00e9llo \u20ac'", "\"it's\"", "True", "None",
    "[1, 2]", "{'a': 1}", "'x'",
]
EXTRA = [
    "{{ '%(n)s=%(v)05.1f' % {'n': 'pi', 'v': 3.14159} }}",
    "{{ '%(n)s' % d }}",
    "{{ '%(missing)s' % d }}",
    "{{ '%(n)s' % 5 }}",
    "{{ '%(n' % d }}",
    "{{ '%s' % d }}",
    "{{ 'no format' % d }}",
    "{{ 'no format' % [] }}",
    "{{ 'no format' % 5 }}",
    "{{ 'no format' % () }}",
    "{{ '%s and %s' % ('a', 'b') }}",
    "{{ '%s and %s' % ['a', 'b'] }}",
    "{{ '%s' % ['a', 'b'] }}",
    "{{ '%s' % ('a',) }}",
    "{{ '%s' % (['a', 'b'],) }}",
    "{{ '%s %s' % ('a',) }}",
    "{{ '%s' % ('a', 'b') }}",
    "{{ '%s' % () }}",
    "{{ '%*d|' % (6, 42) }}",
    "{{ '%-*d|' % (6, 42) }}",
    "{{ '%*d|' % (-6, 42) }}",
    "{{ '%.*f' % (2, 3.14159) }}",
    "{{ '%*.*f|' % (9, 3, 3.14159) }}",
    "{{ '%*d' % ('a', 1) }}",
    "{{ '%z' % 1 }}",
    "{{ '%z' % () }}",
    "{{ 'abc%' % 1 }}",
    "{{ '%5%' % 1 }}",
    "{{ '%%' % () }}",
    "{{ '100%% %s' % 'sure' }}",
    "{{ '%ld %hd %Lf' % (1, 2, 3.5) }}",
    "{{ '%c' % 'ab' }}",
    "{{ '%c' % 1.5 }}",
    "{{ '%c' % 1114112 }}",
    "{{ '%c%c' % (72, 'i') }}",
    "{{ '%d' % 'a' }}",
    "{{ '%x' % 1.5 }}",
    "{{ '%f' % 'a' }}",
    "{{ '%e' % None }}",
    "{{ '%d' % [1] }}",
    "{{ '%5s|%-5s|' % ('ab', 'cd') }}",
    "{{ '%s' | format('a') }}",
    "{{ '%s-%s' | format('a', 'b') }}",
    "{{ '%s' | format([1, 2]) }}",
    "{{ '%(x)s' | format(x='kw') }}",
    "{{ '%s' | format() }}",
    "{{ 'plain' | format() }}",
    "{{ '%s' | format('a', x=1) }}",
    "{{ '%d items' | format(3) }}",
    "{{ '%.3s' % 'abcdef' }}",
    "{{ '%.3s' % 12345 }}",
    "{{ '%r' % 'tab\\there' }}",
    "{{ '%r' % 'nl\\nquote\\'dq\"' }}",
    "{{ '%a' % 'caf\u00e9 \U0001F600' }}",
    "{{ '%r' % [\"it's\", 'x', None, True] }}",
    "{{ '%s' % 1.0 }}",
    "{{ '%x' % -255 }}",
    "{{ '%#o' % -8 }}",
    "{{ '%.2f' % 0.125 }}",
    "{{ '%.2f' % 0.375 }}",
    "{{ '%.1f' % 0.25 }}",
    "{{ '%.1f' % 0.35 }}",
    "{{ '%.15g' % 0.1 }}",
    "{{ '%.17g' % 0.1 }}",
    "{{ '%.20f' % 0.1 }}",
    "{{ '%e' % 0 }}",
    "{{ '%g' % 100000 }}",
    "{{ '%g' % 1000000 }}",
    "{{ '%g' % 0.0001 }}",
    "{{ '%g' % 0.00001 }}",
    "{{ '%f' % 10.0 ** 300 }}", "{{ '%.3e|%g' % (2 ** 70, 2 ** 70) }}",
    "{{ n % 3 }} {{ -7 % 3 }} {{ 7 % -3 }}",
]

def literal_cases():
    for spec, val in itertools.product(SPECS, VALUES):
        yield "{{ '%s' %% %s }}" % (spec, val)

env = jinja2.Environment()
env.filters.update(FilterModule().filters())
ctx = {"d": {"n": "name", "v": 1.5}, "n": 10}
out = []
for c in list(literal_cases()) + EXTRA:
    try:
        out.append({"template": c, "result": env.from_string(c).render(ctx)})
    except Exception as e:  # noqa: BLE001
        out.append({"template": c, "error": str(e), "type": type(e).__name__})
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "py-format.json"), "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(len(out), "cases")
