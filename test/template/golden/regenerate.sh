#!/bin/sh
# Re-record the Python-semantics goldens from the real thing: python3-jinja2 with Ansible's filters, Python's
# `%` formatting, `re`, `shlex` and PyYAML (Ansible's to_yaml/from_yaml). Debian's /usr/bin/python3 is the
# one with python3-jinja2, python3-yaml and ansible-core installed.
set -eu
cd "$(dirname "$0")/../../.."
PY=/usr/bin/python3
$PY test/template/golden/python-semantics.py
$PY test/template/golden/py-format.py
$PY test/template/golden/py-regex.py
$PY test/template/golden/py-yaml.py
$PY test/shlex/golden/regenerate-shlex.py
