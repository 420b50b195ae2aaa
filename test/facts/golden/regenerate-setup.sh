#!/usr/bin/env bash
# Regenerates setup-shapes.json: the names and value types of the `ansible_*` facts remediate's `setup` /
# gather_facts produce, as a real `ansible -m setup` (ansible-core 2.14) gives them on this machine. Values
# differ per machine; shapes (types, and the keys and types inside dicts and lists of dicts) do not.
# test/facts/setup-shapes.test.ts compares remediate's facts with this file. Run by hand, commit the result:
#
#   bash test/facts/golden/regenerate-setup.sh
#
# Interface facts are recorded under neutral names: `ansible_<loopback>` for the loopback interface and
# `ansible_<default_ipv4>` for the default route's interface.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v ansible >/dev/null || { echo "needs ansible (apt-get install ansible-core)" >&2; exit 1; }
out="$(ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_NOCOLOR=1 ansible localhost -c local -m setup 2>/dev/null)"
printf '%s' "$out" | python3 -c '
import json, sys
text = sys.stdin.read()
facts = json.loads(text[text.index("{"):])["ansible_facts"]
# the facts remediate implements (src/facts/gather.ts)
KEYS = """hostname fqdn nodename domain env user_id user_uid user_gid user_gecos user_dir user_shell
effective_user_id effective_group_id real_user_id real_group_id system kernel kernel_version architecture
machine distribution distribution_version distribution_major_version distribution_minor_version
distribution_release os_family
pkg_mgr service_mgr interfaces default_ipv4 default_ipv6 all_ipv4_addresses all_ipv6_addresses mounts
memtotal_mb memfree_mb swaptotal_mb swapfree_mb processor processor_count processor_cores
processor_threads_per_core processor_vcpus processor_nproc date_time lsb uptime_seconds machine_id
dns""".split()
def shape(v, name=""):
    if isinstance(v, bool): return "bool"
    if isinstance(v, int): return "int"
    if isinstance(v, float): return "float"
    if isinstance(v, str): return "str"
    if v is None: return "null"
    if isinstance(v, dict):
        if not v: return {}
        # ansible_env: any names, string values
        if name == "env": return {"*": "str"}
        return {k: shape(x) for k, x in sorted(v.items())}
    if isinstance(v, list):
        if not v: return ["list"]
        if all(isinstance(x, dict) for x in v):
            merged = {}
            for x in v: merged.update(shape(x))
            return [dict(sorted(merged.items()))]
        return [shape(v[0])]
    return type(v).__name__
out = {"ansible_" + k: shape(facts["ansible_" + k], k) for k in KEYS if "ansible_" + k in facts}
out["ansible_<loopback>"] = shape(facts["ansible_lo"])
dflt = facts.get("ansible_default_ipv4", {}).get("interface")
if dflt: out["ansible_<default_ipv4>"] = shape(facts["ansible_" + dflt.replace("-", "_")])
out["absent"] = sorted(k for k in ("ansible_python",) if k in facts)
print(json.dumps({"source": "ansible -m setup (ansible-core 2.14), regenerate-setup.sh", "shapes": out}, indent=2, sort_keys=True))
' >"$here/setup-shapes.json"
echo "wrote $here/setup-shapes.json"
