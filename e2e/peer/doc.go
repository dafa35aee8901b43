// Command peer is the traffic end of netplan's end-to-end tests and demo: a
// tiny TCP/UDP server and client with bounded timeouts, so the tests depend
// on nothing but the kernel and this repository.
//
//	peer serve tcp|udp ADDR:PORT TEXT   answer every request with TEXT and the client's address
//	peer get   tcp|udp ADDR:PORT        send one request, print the answer; exit 1 on failure
//
// A server answers "TEXT client=IP:PORT"; over TCP, to an HTTP request, it
// answers a whole HTTP/1.0 response, so curl works against it too.
package main
