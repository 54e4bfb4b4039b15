#!/usr/bin/env bash
# Starts or stops a local Azurite blob service (the Azure Storage emulator) for the blob-lease tests.
#
#   bash .ci/azurite.sh start   # installs Azurite from .ci/package.json if needed, starts it, prints the endpoint
#   bash .ci/azurite.sh stop
#
# `start` prints `export AZURITE_BLOB_ENDPOINT=http://127.0.0.1:PORT/devstoreaccount1` on stdout, so
# `eval "$(bash .ci/azurite.sh start)"` sets it in the calling shell. Everything else goes to stderr.
# The port is ${AZURITE_BLOB_PORT:-10000}; data is kept in memory only. PID and log: .ci/out/azurite.{pid,log}.
set -euo pipefail

ci_dir="$(cd "$(dirname "$0")" && pwd)"
out_dir="$ci_dir/out"
pid_file="$out_dir/azurite.pid"
log_file="$out_dir/azurite.log"
port="${AZURITE_BLOB_PORT:-10000}"
main_js="$ci_dir/node_modules/azurite/dist/src/blob/main.js"
endpoint="http://127.0.0.1:$port/devstoreaccount1"

log() { echo "azurite.sh: $*" >&2; }

running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

install() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    log "error: Node.js (node and npm) is required to run Azurite and is not on PATH; install it (e.g. apt-get install nodejs npm)"
    exit 1
  fi
  if [ ! -f "$main_js" ]; then
    log "installing Azurite from .ci/package-lock.json (npm ci)"
    npm ci --prefix "$ci_dir" --no-audit --no-fund --loglevel=error >&2
  fi
}

start() {
  install
  mkdir -p "$out_dir"
  if pid="$(running_pid)"; then
    log "already running (pid $pid)"
  else
    if port_open; then
      log "error: port $port is already in use by another process; set AZURITE_BLOB_PORT to a free port"
      exit 1
    fi
    # setsid: its own process group, so it outlives this script and `stop` can end it and its children.
    setsid node "$main_js" \
      --blobHost 127.0.0.1 --blobPort "$port" \
      --inMemoryPersistence --extentMemoryLimit 256 \
      --skipApiVersionCheck --loose --silent --disableTelemetry \
      >"$log_file" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pid_file"
    # Wait (bounded) until the port accepts connections, or the process dies.
    if ! timeout 60 bash -c '
        while ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
          kill -0 "$2" 2>/dev/null || exit 1
          sleep 0.2
        done' _ "$port" "$pid"; then
      log "error: Azurite did not start listening on 127.0.0.1:$port; its log ($log_file):"
      cat "$log_file" >&2 || true
      kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
      rm -f "$pid_file"
      exit 1
    fi
    log "started (pid $pid), listening on 127.0.0.1:$port"
  fi
  echo "export AZURITE_BLOB_ENDPOINT=$endpoint"
}

stop() {
  if pid="$(running_pid)"; then
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    # Bounded wait for it to exit.
    timeout 10 bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 0.1; done' _ "$pid" || kill -9 -- "-$pid" 2>/dev/null || true
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  rm -f "$pid_file"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
