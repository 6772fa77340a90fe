#!/usr/bin/env bash
# supervise.sh PIDFILE COMMAND...: runs COMMAND again whenever it exits, until this script gets
# SIGTERM or SIGINT (then it stops COMMAND and exits 0). The current pid of COMMAND is kept in
# PIDFILE. A COMMAND that fails within 10 s of starting is restarted after 1, 2, 4 … 30 s, so a
# broken configuration does not spin; one that ran longer is restarted after 1 s.
set -uo pipefail
pidfile=$1
shift
child=
stopping=
stop() {
  stopping=1
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  rm -f "$pidfile"
  exit 0
}
trap stop TERM INT
delay=1
while :; do
  started=$SECONDS
  "$@" &
  child=$!
  echo "$child" >"$pidfile"
  wait "$child"
  status=$?
  [ -n "$stopping" ] && exit 0
  rm -f "$pidfile"
  if ((SECONDS - started >= 10)); then delay=1; fi
  echo "supervise: $* exited with status $status; starting it again in ${delay} s" >&2
  sleep "$delay" &
  child=$!
  wait "$child"
  child=
  delay=$((delay * 2 > 30 ? 30 : delay * 2))
done
