#!/usr/bin/env bash
# Regenerates ansible-plain.txt: what ansible-playbook (default callback) prints for site.yml. Tests never
# write it; run by hand: bash test/report/golden/debug-loop/regenerate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0 \
  ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_STDOUT_CALLBACK=default \
  ansible-playbook -i "$here/hosts.ini" "$here/site.yml" >"$here/ansible-plain.txt"
