#!/bin/sh
# Entry point of the container image (deploy/Containerfile): the first
# argument picks the binary, the rest are passed on. `exec` makes the binary
# PID 1, so `docker stop`'s SIGTERM reaches it and it drains gracefully.
#
#   docker run so-connector ingest
#   docker run so-connector worker
#   docker run so-connector soctl queue stats
set -eu

bin_dir=${SO_BIN_DIR:-/usr/local/bin}
case "${1:-}" in
  ingest | so-ingest) binary=so-ingest ;;
  worker | so-worker) binary=so-worker ;;
  soctl | ctl) binary=soctl ;;
  sandbox | so-sandbox) binary=so-sandbox ;;
  *)
    echo "usage: so-connector {ingest|worker|soctl|sandbox} [ARGS...]" >&2
    echo "got: ${1:-nothing}" >&2
    exit 64 # EX_USAGE
    ;;
esac
shift
exec "$bin_dir/$binary" "$@"
