// Package trace prints timing lines on stderr when NETPLAN_TRACE is set: a
// hidden aid for finding where a command spends its time, and how much CPU
// each top-level step used. Nothing depends on its output; `make bench`
// times whole commands.
package trace
