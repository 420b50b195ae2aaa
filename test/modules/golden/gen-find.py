#!/usr/bin/env python3
"""Regenerate find.golden.json: build the tree of find-cases.json in a temp dir (sizes, contents, mtimes
in seconds before now), run each case through real Ansible's find (ansible-playbook, connection local) and
record the matched paths relative to the tree, sorted. Usage: python3 test/modules/golden/gen-find.py"""
import json, os, subprocess, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
spec = json.load(open(os.path.join(here, 'find-cases.json')))
root = tempfile.mkdtemp(prefix='golden-find-')
tree = os.path.join(root, 't')
now = time.time()
for rel, size, age in spec['tree']:
    p = os.path.join(tree, rel)
    if rel.endswith('/'):
        os.makedirs(p, exist_ok=True)
        continue
    os.makedirs(os.path.dirname(p), exist_ok=True)
    data = spec['contents'].get(rel)
    open(p, 'w').write(data if data is not None else 'x' * size)
    os.utime(p, (now - age, now - age))
tasks = []
for i, c in enumerate(spec['cases']):
    tasks.append({'find': dict(c, paths=tree), 'register': 'r%d' % i})
    tasks.append({'copy': {'content': '{{ r%d | to_json }}' % i, 'dest': os.path.join(root, 'r%d.json' % i)}})
pb = os.path.join(root, 'pb.yml')
json.dump([{'hosts': 'localhost', 'connection': 'local', 'gather_facts': False, 'tasks': tasks}], open(pb, 'w'))
subprocess.run(['ansible-playbook', '-i', 'localhost,', pb], check=True, stdout=subprocess.DEVNULL)
out = []
for i, c in enumerate(spec['cases']):
    r = json.load(open(os.path.join(root, 'r%d.json' % i)))
    out.append({'args': c, 'matched': r['matched'],
                'files': sorted(os.path.relpath(f['path'], tree) for f in r['files'])})
json.dump(out, open(os.path.join(here, 'find.golden.json'), 'w'), indent=1)
subprocess.run(['rm', '-rf', root])
