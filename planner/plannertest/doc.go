// Package plannertest holds fixtures shared by the tests of planner, apply
// and the commands: small configurations and a stand-in for firewall.Build
// that encodes ports and per-network flags the way the real table does
// (sets and map elements), without depending on its rules.
package plannertest
