package linux

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// sysctlRoot is where sysctls live; a variable so tests can point it elsewhere.
var sysctlRoot = "/proc/sys"

// perInterface are the key prefixes followed by an interface name. An
// interface name may hold dots ("eth0.100") but never '/', so its directory
// keeps the dots and only the parts around it turn into path separators.
var perInterface = []string{
	"net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.", "net.ipv6.neigh.",
}

// sysctlPath maps a dotted key to its file under sysctlRoot.
func sysctlPath(key string) (string, error) {
	if key == "" || strings.Contains(key, "/") || strings.Contains(key, "..") {
		return "", fmt.Errorf("bad sysctl key %q", key)
	}
	for _, prefix := range perInterface {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		i := strings.LastIndexByte(rest, '.')
		if i <= 0 || i == len(rest)-1 {
			return "", fmt.Errorf("bad sysctl key %q", key)
		}
		dir := strings.ReplaceAll(strings.TrimSuffix(prefix, "."), ".", "/")
		return filepath.Join(sysctlRoot, dir, rest[:i], rest[i+1:]), nil
	}
	return filepath.Join(sysctlRoot, strings.ReplaceAll(key, ".", "/")), nil
}

// readSysctls reads the keys that exist; a missing file (a bridge not created
// yet) leaves its key out.
func readSysctls(keys []string) (map[string]string, error) {
	out := map[string]string{}
	for _, key := range keys {
		path, err := sysctlPath(key)
		if err != nil {
			return nil, fmt.Errorf("read sysctl: %w", err)
		}
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read sysctl %s: %w", key, err)
		}
		out[key] = strings.TrimSpace(string(data))
	}
	return out, nil
}

func writeSysctl(key, value string) error {
	path, err := sysctlPath(key)
	if err == nil {
		// O_TRUNC|O_WRONLY without O_CREATE: a key that does not exist is an
		// error, never a new file.
		var f *os.File
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err == nil {
			_, err = f.WriteString(value + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	if err != nil {
		return fmt.Errorf("set sysctl %s=%s: %w", key, value, err)
	}
	return nil
}
