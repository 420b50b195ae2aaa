#!/usr/bin/env python3
"""A dynamic inventory with _meta.hostvars: groups as objects, a bare list, a child group, the shorthand
(a group without hosts/vars/children is a host of that name), group vars and an ungrouped host."""
import json
import sys

INVENTORY = {
    "web": {"hosts": ["w1", "w2"], "vars": {"http_port": 8080, "tier": "front"}},
    "db": ["d1"],
    "prod": {"children": ["web", "db"], "vars": {"env": "prod", "tier": "any"}},
    "solo": {"role_hint": "shorthand"},
    "ungrouped": {"hosts": ["lone"]},
    "all": {"vars": {"ntp": "pool.ntp.org"}},
    "_meta": {
        "hostvars": {
            "w1": {"ansible_host": "10.0.0.1", "weight": 3},
            "d1": {"ansible_host": "10.0.1.1", "nested": {"a": [1, 2]}},
            "lone": {"flag": True},
        }
    },
}

if len(sys.argv) == 2 and sys.argv[1] == "--list":
    json.dump(INVENTORY, sys.stdout)
elif len(sys.argv) == 3 and sys.argv[1] == "--host":
    json.dump(INVENTORY["_meta"]["hostvars"].get(sys.argv[2], {}), sys.stdout)
else:
    sys.exit("usage: meta.py --list | --host HOST")
