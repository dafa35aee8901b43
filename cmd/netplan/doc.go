// Command netplan declares Linux container networking in HCL and makes the kernel match it.
package main
