// Package model holds the plain data types that flow between the packages of
// netplan: what the user declared (Desired), the kernel-level picture of one
// stack (State, both the target and what was observed), and the steps that move
// the kernel from one State to another (Step). It does no I/O and imports only
// the standard library, so every other package can depend on it.
package model
