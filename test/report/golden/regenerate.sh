#!/usr/bin/env bash
# Regenerates the Ansible goldens the reporter tests compare against — from a real ansible-playbook run, never
# from remediate. Tests never write goldens; run this by hand after a deliberate change and commit the result
# together with the change that needed it:
#
#   bash test/report/golden/regenerate.sh
#
# Records ansible/site.yml (connection local, two hosts, -f 1 so host order is fixed) twice:
#   ansible-plain.txt  the default stdout callback with --diff: PLAY/TASK banners, status lines, retries,
#                      the debug block, the PLAY RECAP (what test/report/plain.test.ts checks remediate against)
#   ansible-json.json  the ansible.posix.json stdout callback: per-task, per-host result dicts and the stats
#                      (what test/report/json.test.ts checks remediate's NDJSON statuses and counts against)
# Volatile values (temp paths, timestamps, durations, ids) are replaced by fixed placeholders.
# Needs: ansible-core (ansible-playbook) and, for the json callback, the ansible.posix collection
# (Debian: apt-get install ansible-core ansible).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(mktemp -d /tmp/remediate-golden-XXXXXX)"
trap 'rm -rf "$root"' EXIT
command -v ansible-playbook >/dev/null || { echo "needs ansible-playbook (apt-get install ansible-core)" >&2; exit 1; }

prepare() {
  rm -rf "$root/etc"
  mkdir -p "$root/etc/pki/tls/kube01" "$root/etc/pki/tls/kube02"
  printf 'a\nb\nc\n' >"$root/etc/pki/tls/kube01/csr.conf" # changes
  printf 'a\nB\nc\n' >"$root/etc/pki/tls/kube02/csr.conf" # already right: ok
}
play() {
  # The run fails on purpose (kube01 fails, kube02 is unreachable for the handler): exit code 4.
  ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_HOST_KEY_CHECKING=0 ANSIBLE_RETRY_FILES_ENABLED=0 \
    ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_SSH_ARGS='-o ConnectTimeout=5' \
    ansible-playbook -i "$here/ansible/hosts.ini" "$here/ansible/site.yml" --diff -f 1 \
    -e "root=$root" -e password=S3cr3t-Pa55 "$@" || [ $? -eq 4 ] || return 1
}

prepare
play >"$root/plain.raw"
prepare
ANSIBLE_STDOUT_CALLBACK=ansible.posix.json play >"$root/json.raw"

ROOT="$root" HERE="$here" python3 - "$root/plain.raw" "$here/ansible-plain.txt" "$root/json.raw" "$here/ansible-json.json" <<'PY'
import json, os, re, sys
root = os.environ["ROOT"]
plain_in, plain_out, json_in, json_out = sys.argv[1:5]

def scrub(s):
    s = s.replace(root, "").replace(os.environ["HERE"] + "/", "test/report/golden/")
    s = re.sub(r"/root/\.ansible/tmp/[^\s\"']+|/tmp/ansible[^\s\"']*", "<ansible temp file>", s)
    s = re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?", "<time>", s)
    s = re.sub(r"\b\d+:\d\d:\d\d\.\d+\b", "<delta>", s)
    return s

text = open(plain_in).read()
open(plain_out, "w").write(scrub(text))

def walk(v, key=None):
    if isinstance(v, dict):
        return {k: walk(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [walk(x) for x in v]
    if isinstance(v, str):
        if key == "id":
            return "<id>"
        if key == "_original_basename":
            return "<ansible temp file>"
        return scrub(v)
    if key in ("mtime", "atime", "ctime") and isinstance(v, (int, float)):
        return 0
    return v

doc = walk(json.load(open(json_in)))
open(json_out, "w").write(json.dumps(doc, indent=4, sort_keys=True) + "\n")
PY
echo "wrote $here/ansible-plain.txt and $here/ansible-json.json"
