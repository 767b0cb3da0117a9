#!/usr/bin/env bash
# The analysis tests query a real Prometheus (Debian package) that scrapes the simulated cluster.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing prometheus from Debian packages..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  # The package starts a system service; the tests run their own instances.
  (service prometheus stop || systemctl stop prometheus || pkill -x prometheus) >/dev/null 2>&1 || true
  exit 0
fi
echo "prometheus is not installed: run 'sudo apt-get install prometheus' (the analysis tests need it)" >&2
exit 1
