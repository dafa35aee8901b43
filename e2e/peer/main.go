package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

const timeout = 2 * time.Second

func main() {
	if len(os.Args) != 5 && !(len(os.Args) == 4 && os.Args[1] == "get") {
		fmt.Fprintln(os.Stderr, "usage: peer serve tcp|udp ADDR:PORT TEXT | peer get tcp|udp ADDR:PORT")
		os.Exit(2)
	}
	var err error
	switch verb, proto, addr := os.Args[1], os.Args[2], os.Args[3]; verb + " " + proto {
	case "serve tcp":
		err = serveTCP(addr, os.Args[4])
	case "serve udp":
		err = serveUDP(addr, os.Args[4])
	case "get tcp":
		err = getTCP(addr)
	case "get udp":
		err = getUDP(addr)
	default:
		err = fmt.Errorf("unknown command %q", verb+" "+proto)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}

func serveTCP(addr, text string) error {
	l, err := net.Listen("tcp4", addr)
	if err != nil {
		return err
	}
	fmt.Println("ready")
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go func(c net.Conn) {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(timeout))
			line, _ := bufio.NewReader(c).ReadString('\n')
			body := fmt.Sprintf("%s client=%s\n", text, c.RemoteAddr())
			if strings.Contains(line, "HTTP/") {
				fmt.Fprintf(c, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", len(body))
			}
			io.WriteString(c, body)
		}(c)
	}
}

func serveUDP(addr, text string) error {
	pc, err := net.ListenPacket("udp4", addr)
	if err != nil {
		return err
	}
	fmt.Println("ready")
	buf := make([]byte, 1500)
	for {
		_, from, err := pc.ReadFrom(buf)
		if err != nil {
			return err
		}
		_, _ = pc.WriteTo([]byte(fmt.Sprintf("%s client=%s\n", text, from)), from)
	}
}

func getTCP(addr string) error {
	c, err := net.DialTimeout("tcp4", addr, timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(c, "GET / PEER/1.0\n"); err != nil {
		return err
	}
	b, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return fmt.Errorf("%s: empty answer", addr)
	}
	fmt.Print(string(b))
	return nil
}

// getUDP sends from PEER_LOCAL (ADDR:PORT) when set, so a test can replay one
// UDP flow (same 5-tuple) across a change.
func getUDP(addr string) error {
	d := net.Dialer{Timeout: timeout}
	if local := os.Getenv("PEER_LOCAL"); local != "" {
		la, err := net.ResolveUDPAddr("udp4", local)
		if err != nil {
			return err
		}
		d.LocalAddr = la
	}
	c, err := d.Dial("udp4", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write([]byte("ping")); err != nil {
		return err
	}
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	if err != nil {
		return err
	}
	fmt.Print(string(buf[:n]))
	return nil
}
