#!/usr/bin/python3
"""Regenerates py-regex.json: Python `re` results (search, fullmatch, sub, findall) for a corpus of patterns,
for the one Python-to-JavaScript regex translation (src/template/regex.ts) used by the regex_* filters,
the match/search tests and lineinfile/replace/blockinfile.
Run: /usr/bin/python3 test/template/golden/py-regex.py"""
import json, os, re

S = "Hello World\nfoo=1 bar=22\nbaz = 333\n"
SEARCH = [
    (r"W\w+", S), (r"^foo", S), (r"(?m)^foo", S), (r"^baz", S), (r"(?m)^baz.*$", S), (r"22$", S),
    (r"(?m)22$", S), (r"333$", S), (r"333\Z", S), (r"333\n\Z", S), (r"\AHello", S), (r"(?m)\Afoo", S),
    (r"Hello.World", S), (r"World.foo", S), (r"(?s)World.foo", S), (r"(?i)hello", S), (r"hello", S),
    (r"(?P<k>\w+)=(?P<v>\d+)", S), (r"(?P<k>\w+)=(?P=k)", "a=a b=c"), (r"(\w)\1", "abccd"),
    (r"(?<=foo=)\d+", S), (r"(?<!foo)=\d+", S), (r"\d+(?= )", S), (r"\d+(?! )", S), (r"(?:ab)+", "xxababy"),
    (r"a{2}", "caaat"), (r"a{,2}b", "aaab"), (r"a{2,}", "caaat"), (r"a{1,2}?", "aaa"), (r"x{", "ax{b"),
    (r"x{a}", "x{a}"), (r"{}", "a{}b"), (r"a}", "a}"), (r"]", "a]b"), (r"[]a]+", "x]a]y"), (r"[^]a]+", "]]bc"),
    (r"[\d.]+", "v1.25.3"), (r"[\w-]+", "a-b_c d"), (r"[\s]+", "a \t b"), (r"\bfoo\b", "a foo b"),
    (r"\bfoo\b", "afoob"), (r"\Bfoo", "afoo"), (r"\d+", "abc \u0663\u0664 12"), (r"\w+", "caf\u00e9 na\u00efve"),
    (r"(?a)\w+", "caf\u00e9"), (r"(?a)\d+", "\u0663\u0664 12"), (r"\s+", "a\u00a0\u2003b"), (r"\s", "a\x1cb"),
    (r"\s", "a\ufeffb"), (r"\bcaf\u00e9\b", "un caf\u00e9!"), (r"(?i)\u00c9T\u00c9", "\u00e9t\u00e9"),
    (r"\x41\u0042\U00000043", "xABCx"), (r"\101\0", "A\x00"), (r"\t\n\r\f\v\a", "\t\n\r\f\v\x07"),
    (r"\-\#\ \'\"", "-# '\""), (r"\/path\/", "/path/x"), (r"a/b", "a/b"), (r"\$\^\.\*", "$^.*"),
    (r"(?x) a  b  # comment\n c", "abc"), (r"(?x)[ ]a", " a"), (r"(?x)a\ b", "a b"), (r"(?#note)ab", "ab"),
    (r"(?im)^WORLD$", "hello\nworld\n"), (r"(?i)(?m)^x", "a\nX"), (r"a.c", "a\rc"), (r"a.c", "a\u2028c"),
    (r"^b", "a\rb"), (r"(?m)^b", "a\rb"), (r"(?m)a$", "a\rb"), (r".+", "line\r\n"), (r"a|b|", "zzz"),
    (r"(a)|(b)", "b"), (r"(a)?b", "b"), (r"(?P<first>\w+) (?P<last>\w+)", "Ada Lovelace"),
    (r"\d{3}-\d{4}", "call 555-1234 now"), (r"[^\n]*$", "x\ny"), (r"\Z", "ab\n"), (r"$", "ab\n"),
    (r"a\Z", "a\n"), (r"a$", "a\n"), (r"a$", "a\n\n"), (r"(?m)a$", "a\n\n"), (r"^$", ""), (r"x*", ""),
    (r"\U0001F600+", "\U0001F600\U0001F600!"), (r".", "\U0001F600"), (r"[\U0001F600-\U0001F64F]", "a\U0001F610"),
    (r"(?u)\w", "\u00e9"), (r"[a-c]+", "abcd"), (r"[\]]", "]"), (r"[\\]", "\\"), (r"[a\-z]+", "a-z"),
    (r"[.]", "a.b"), (r"\.", "a.b"), (r"a\b", "a b"), (r"[\b]", "\x08"), (r"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10", "abcdefghijj"),
    # errors Python raises
    (r"\q", "q"), (r"a**", "a"), (r"*a", "a"), (r"(a", "a"), (r"a)", "a"), (r"[a", "a"), (r"a(?i)b", "ab"),
    (r"\1(a)", "aa"), (r"(?P<n>a)(?P=m)", "aa"), (r"\x4", "x"), (r"(?<n>a)", "a"), (r"(?Q)", "a"),
    # Python accepts, remediate refuses (JavaScript cannot)
    (r"a++", "aaa"), (r"a*+b", "aab"), (r"(?>ab)", "ab"), (r"(?i:a)b", "Ab"), (r"(a)?(?(1)b|c)", "ab"),
    (r"\N{LATIN SMALL LETTER A}", "a"),
]
FULL = [(r"\d+", "123"), (r"\d+", "123\n"), (r"\d+$", "123\n"), (r"a|ab", "ab"), (r"[a-z]+", "abc1")]
SUB = [
    (r"(\w+)=(\d+)", r"\2=\1", S), (r"(?P<k>\w+)=", r"\g<k>:", S), (r"(\w+)", r"<\g<0>>", "a b"),
    (r"o", r"0", S), (r"(?m)^", "> ", "a\nb\n"), (r"$", "!", "a\nb\n"), (r"(?m)$", "!", "a\nb\n"),
    (r"\s+", " ", "a \t\n b"), (r"(a)|(b)", r"[\1\2]", "ab"), (r"x", r"\n\t\\", "x"), (r"x", r"\&", "x"),
    (r"x", r"\q", "x"), (r"(x)", r"\2", "x"), (r"(x)", r"\g<y>", "x"), (r"(x)", r"\0", "x"),
    (r"(x)", r"\g<1>0", "x"), (r"(x)", r"\10", "x"), (r"", "-", "abc"), (r"a*", "-", "baac"),
    (r"(?i)HELLO", "bye", "hello Hello"), (r"\bcat\b", "dog", "cat concat cat."),
]
FINDALL = [(r"\d+", S), (r"(\w+)=(\d+)", S), (r"(\w+)=\d+", S), (r"", "ab"), (r"\w*", "a b")]

def res(m):
    if m is None:
        return None
    return {"span": list(m.span()), "groups": list(m.groups()), "named": m.groupdict()}

def attempt(f):
    try:
        return {"result": f()}
    except Exception as e:  # noqa: BLE001
        return {"error": str(e)}

out = []
for p, s in SEARCH:
    out.append({"op": "search", "pattern": p, "subject": s, **attempt(lambda: res(re.search(p, s)))})
for p, s in FULL:
    out.append({"op": "fullmatch", "pattern": p, "subject": s, **attempt(lambda: res(re.fullmatch(p, s)))})
    out.append({"op": "match", "pattern": p, "subject": s, **attempt(lambda: res(re.match(p, s)))})
for p, r, s in SUB:
    out.append({"op": "sub", "pattern": p, "repl": r, "subject": s, **attempt(lambda: re.sub(p, r, s))})
for p, s in FINDALL:
    out.append({"op": "findall", "pattern": p, "subject": s, **attempt(lambda: [list(x) if isinstance(x, tuple) else x for x in re.findall(p, s)])})
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "py-regex.json"), "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(len(out), "cases")
