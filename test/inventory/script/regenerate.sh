#!/bin/sh
# Regenerates the golden files of test/inventory/script-inventory.test.ts with Debian's ansible-inventory:
# what Ansible's script plugin makes of each inventory script, as `ansible-inventory --list` prints it.
set -eu
cd "$(dirname "$0")"
for s in meta.py nometa.sh; do
  ANSIBLE_INVENTORY_ENABLED=script ansible-inventory -i "./$s" --list > "golden/$s.list.json"
done
ansible-inventory --version > golden/VERSION.full && head -1 golden/VERSION.full > golden/VERSION && rm golden/VERSION.full
