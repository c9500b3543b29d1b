#!/usr/bin/env bash
# Installs the Debian packages the live SLURM tests need (tests/slurm/harness.sh starts them):
# slurm-wlm (slurmctld, slurmd, the client commands), munge, slurmdbd and mariadb-server (so
# sacct has an accounting database). Does nothing when they are installed already; without
# root it only says what is missing (the live tests then skip).
#
# --no-install-recommends: with recommends it is ~94 packages (HDF5, RRD, IPMI...); without, 33.
# Package postinst scripts must not start daemons: the harness starts its own, on its own
# config, and stops them by PID. A temporary policy-rc.d (exit 101) forbids service starts
# when the machine has none.
set -euo pipefail

packages=(slurm-wlm munge slurmdbd mariadb-server)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-slurm: missing packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  made_policy=1
fi
trap 'if [ $made_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
echo "install-slurm: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
