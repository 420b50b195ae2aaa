#!/usr/bin/env python3
"""Regenerate assemble.golden.json: write the fragments of assemble-cases.json to a temp dir, run each case
through real Ansible's assemble (ansible-playbook, connection local) and record the assembled file.
Usage: python3 test/modules/golden/gen-assemble.py"""
import json, os, subprocess, tempfile

here = os.path.dirname(os.path.abspath(__file__))
spec = json.load(open(os.path.join(here, 'assemble-cases.json')))
root = tempfile.mkdtemp(prefix='golden-asm-')
src = os.path.join(root, 'frags')
os.makedirs(src)
for name, content in spec['fragments'].items():
    open(os.path.join(src, name), 'w').write(content)
tasks = [{'assemble': dict(c, src=src, dest=os.path.join(root, 'out%d' % i))} for i, c in enumerate(spec['cases'])]
pb = os.path.join(root, 'pb.yml')
json.dump([{'hosts': 'localhost', 'connection': 'local', 'gather_facts': False, 'tasks': tasks}], open(pb, 'w'))
subprocess.run(['ansible-playbook', '-i', 'localhost,', pb], check=True, stdout=subprocess.DEVNULL)
out = [{'args': c, 'content': open(os.path.join(root, 'out%d' % i)).read()} for i, c in enumerate(spec['cases'])]
json.dump(out, open(os.path.join(here, 'assemble.golden.json'), 'w'), indent=1)
subprocess.run(['rm', '-rf', root])
