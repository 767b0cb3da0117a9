#!/usr/bin/env bash
# Real programs the tests use, from Debian's packages: Prometheus (the analysis tests query one
# that scrapes the simulated cluster) and openssl (the HTTPS tests make the simulator's serving
# certificate with it).
set -euo pipefail
missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} = 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} from Debian packages..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The prometheus package starts a system service; the tests run their own instances.
  (service prometheus stop || systemctl stop prometheus || pkill -x prometheus) >/dev/null 2>&1 || true
  exit 0
fi
echo "not installed: ${missing[*]}: run 'sudo apt-get install ${missing[*]}' (the tests need them)" >&2
exit 1
