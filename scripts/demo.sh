#!/bin/sh
# Installs what is missing, builds C2Desk and opens it on the built-in demo
# Chat2Desk. No account or token is needed.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
. scripts/goenv.sh
go build -o c2desk .
exec ./c2desk --demo "$@"
