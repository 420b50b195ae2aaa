#!/usr/bin/env python3
"""Regenerate cron.golden.json: run the steps of cron-cases.json in order through real Ansible's cron with
cron_file set to one temp file (user root) and record changed and the file's content after each step
(null once Ansible removed it). Usage: python3 test/modules/golden/gen-cron.py"""
import json, os, subprocess, tempfile

here = os.path.dirname(os.path.abspath(__file__))
cases = json.load(open(os.path.join(here, 'cron-cases.json')))
root = tempfile.mkdtemp(prefix='golden-cron-')
cf = os.path.join(root, 'jobs')
tasks = []
for i, c in enumerate(cases):
    tasks.append({'cron': dict(c, cron_file=cf, user='root'), 'register': 'r%d' % i})
    tasks.append({'shell': 'cat %s || true' % cf, 'register': 'c%d' % i, 'changed_when': False})
    tasks.append({'copy': {'content': '{{ {"changed": r%d.changed, "content": c%d.stdout} | to_json }}' % (i, i),
                           'dest': os.path.join(root, 'r%d.json' % i)}})
pb = os.path.join(root, 'pb.yml')
json.dump([{'hosts': 'localhost', 'connection': 'local', 'gather_facts': False, 'tasks': tasks}], open(pb, 'w'))
# Ansible's cron insists on a crontab program even with cron_file (which it never calls then): a stub.
os.makedirs(os.path.join(root, 'bin'))
open(os.path.join(root, 'bin', 'crontab'), 'w').write('#!/bin/sh\nexit 1\n')
os.chmod(os.path.join(root, 'bin', 'crontab'), 0o755)
env = dict(os.environ, PATH=os.path.join(root, 'bin') + ':' + os.environ['PATH'])
subprocess.run(['ansible-playbook', '-i', 'localhost,', pb], check=True, stdout=subprocess.DEVNULL, env=env)
out = []
for i, c in enumerate(cases):
    r = json.load(open(os.path.join(root, 'r%d.json' % i)))
    out.append({'args': c, 'changed': r['changed'], 'content': r['content']})
json.dump(out, open(os.path.join(here, 'cron.golden.json'), 'w'), indent=1)
subprocess.run(['rm', '-rf', root])
