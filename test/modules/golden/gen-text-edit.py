#!/usr/bin/env python3
"""Regenerate text-edit.golden.json: run each case of text-edit-cases.json through real Ansible
(ansible-playbook, connection local, one playbook) and record changed, msg, failed and the file after.
Usage: python3 test/modules/golden/gen-text-edit.py   (needs ansible-core)"""
import json, os, subprocess, tempfile

here = os.path.dirname(os.path.abspath(__file__))
cases = json.load(open(os.path.join(here, 'text-edit-cases.json')))
tmp = tempfile.mkdtemp(prefix='golden-te-')
tasks = []
for i, c in enumerate(cases):
    module, text, args = c[0], c[1], c[2]
    path = os.path.join(tmp, 'f%d' % i)
    if len(c) < 4 or c[3] != 'missing':
        open(path, 'w', newline='').write(text)
    tasks.append({'name': 'case %d' % i, module: dict(args, path=path), 'register': 'r%d' % i,
                  'ignore_errors': True})
    tasks.append({'copy': {'content': '{{ r%d | to_json }}' % i, 'dest': path + '.result'}})
play = [{'hosts': 'localhost', 'connection': 'local', 'gather_facts': False, 'tasks': tasks}]
pb = os.path.join(tmp, 'pb.yml')
json.dump(play, open(pb, 'w'))
subprocess.run(['ansible-playbook', '-i', 'localhost,', pb], check=True, stdout=subprocess.DEVNULL)
out = []
for i, c in enumerate(cases):
    path = os.path.join(tmp, 'f%d' % i)
    r = json.load(open(path + '.result'))
    after = open(path, newline='').read() if os.path.exists(path) else None
    out.append({'module': c[0], 'input': c[1], 'args': c[2], 'missing': len(c) > 3,
                'failed': bool(r.get('failed')), 'changed': bool(r.get('changed')),
                'msg': r.get('msg', ''), 'after': after})
json.dump(out, open(os.path.join(here, 'text-edit.golden.json'), 'w'), indent=1)
subprocess.run(['rm', '-rf', tmp])
