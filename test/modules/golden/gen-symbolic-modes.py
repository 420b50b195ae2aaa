#!/usr/bin/python3
"""Regenerates symbolic-modes.json: Ansible 2.14's own _symbolic_mode_to_octal (module_utils/basic.py) on
(spec, current mode, is a directory, umask) cases. Run: /usr/bin/python3 test/modules/golden/gen-symbolic-modes.py"""
import json, os, stat, types
from ansible.module_utils.basic import AnsibleModule

CASES = [
    ('u+x', 0o644, False, 0o022), ('u=rw,g=r,o=', 0o777, False, 0o022), ('a-w', 0o755, True, 0o022),
    ('+X', 0o644, False, 0o022), ('+X', 0o600, True, 0o022), ('a+X', 0o744, False, 0o022),
    ('+x', 0o600, False, 0o022), ('+x', 0o600, False, 0o077), ('=rw', 0o777, False, 0o027),
    ('go=u', 0o640, False, 0o022), ('u+s,g+s,o+t', 0o755, True, 0o022), ('u=rwx,g-w+r,o=', 0o612, False, 0o022),
    ('o-rwx', 0o4777, False, 0o022), ('u=,g=,o=', 0o7777, True, 0o022), ('a=r,u+w', 0o000, False, 0o022),
    ('g=o,o=g', 0o615, False, 0o022), ('u-s,g=', 0o6755, False, 0o022), ('ug+rwX', 0o640, True, 0o022),
    ('u', 0o640, False, 0o022), ('o+s,u+t', 0o640, False, 0o022),
]
out = []
for spec, mode, isdir, umask in CASES:
    os.umask(umask)
    st = types.SimpleNamespace(st_mode=(stat.S_IFDIR if isdir else stat.S_IFREG) | mode)
    out.append({'spec': spec, 'mode': mode, 'isdir': isdir, 'umask': umask,
                'want': AnsibleModule._symbolic_mode_to_octal(st, spec)})
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'symbolic-modes.json'), 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
