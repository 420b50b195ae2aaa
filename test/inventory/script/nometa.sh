#!/bin/sh
# A dynamic inventory without _meta: the variables of each host come from `--host HOST` (empty output
# means no variables).
case "$1" in
--list)
  echo '{"app": {"hosts": ["a1", "a2"], "vars": {"port": 9000}}, "edge": ["e1"],'
  echo ' "all": {"children": ["app", "edge"]}}'
  ;;
--host)
  case "$2" in
  a1) echo '{"ansible_host": "192.0.2.10", "port": 9001}' ;;
  e1) echo '{"zone": "dmz"}' ;;
  *) echo '{}' ;;
  esac
  ;;
*) echo "usage: $0 --list | --host HOST" >&2; exit 2 ;;
esac
