# Sourced by scripts that run inside scripts/sandbox.sh: refuse to go on in
# the machine's own network namespace (inode 4026531833 is the kernel's
# initial one, PROC_NET_INIT_INO).
in_sandbox_or_die() {
  local ino
  ino=$(stat -L -c %i /proc/self/ns/net)
  if [ "$ino" = 4026531833 ] || ! grep -q ' /run .*netplan-sandbox' /proc/self/mountinfo; then
    echo "refusing to run outside a sandbox (run me through scripts/sandbox.sh)" >&2
    exit 1
  fi
}
