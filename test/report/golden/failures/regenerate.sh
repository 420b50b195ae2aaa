#!/usr/bin/env bash
# Regenerates ansible-plain.txt: how ansible-playbook's default callback prints failed results
# (`fatal: [h]: FAILED! => {...}`, `failed: [h] (item=x) => {...}`, `UNREACHABLE! => {...}`) for site.yml.
# Tests never write it; run by hand: bash test/report/golden/failures/regenerate.sh
# Volatile values (durations, timestamps, this checkout's path) are replaced by fixed placeholders.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0 \
  ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_HOST_KEY_CHECKING=0 ANSIBLE_STDOUT_CALLBACK=default \
  ANSIBLE_SSH_ARGS='-o ConnectTimeout=5' \
  ansible-playbook -i hosts.ini site.yml >"$here/ansible-plain.raw" || [ $? -eq 4 ]
HERE="$here" python3 - "$here/ansible-plain.raw" "$here/ansible-plain.txt" <<'PY'
import os, re, sys
s = open(sys.argv[1]).read()
s = s.replace(os.environ["HERE"] + "/", "")
s = re.sub(r'"delta": "[^"]*"', '"delta": "<delta>"', s)
s = re.sub(r'"(start|end)": "[^"]*"', r'"\1": "<time>"', s)
open(sys.argv[2], "w").write(s)
PY
rm -f "$here/ansible-plain.raw"
echo "wrote $here/ansible-plain.txt"
