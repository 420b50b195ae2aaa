#!/usr/bin/env bash
# Records how ansible-playbook's default callback prints set_stats' statistics (show_custom_stats) for the
# differential case test/ansible-diff/cases/set-stats.yml: the CUSTOM STATS block to the end of the output,
# into ansible-custom-stats.txt (test/report/custom-stats.test.ts compares remediate's plain output).
#
#   bash test/report/golden/regenerate-custom-stats.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cases="$here/../../ansible-diff/cases"
out="$(mktemp -d /tmp/remediate-stats-XXXXXX)"
trap 'rm -rf "$out"' EXIT
cd "$cases"
ANSIBLE_CONFIG="$cases/ansible.cfg" ANSIBLE_SHOW_CUSTOM_STATS=1 ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 \
  ansible-playbook -i ../inventory.ini set-stats.yml -e "out=$out" |
  sed -n '/^CUSTOM STATS: /,$p' >"$here/ansible-custom-stats.txt"
echo "wrote $here/ansible-custom-stats.txt"
