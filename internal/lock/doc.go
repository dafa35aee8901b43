// Package lock serialises changes to one stack on one host: apply and destroy
// hold an flock on /run/netplan/<stack>.lock while they observe, plan and
// change the kernel, so two runs never interleave their steps. The file names
// its holder (pid, command line, time) so a waiting run can say who it waits for.
package lock
