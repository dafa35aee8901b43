package lock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultDir holds the lock files; /run is a tmpfs, so a reboot (which also
// drops every kernel object a lock protects) clears stale files.
const DefaultDir = "/run/netplan"

// pollInterval is how often a waiting Acquire retries. flock has no timed
// wait, and a blocking flock cannot be cancelled by a context.
const pollInterval = 50 * time.Millisecond

// Lock is a held stack lock.
type Lock struct {
	f    *os.File
	path string
}

// Holder is what the lock file says about the process holding it.
type Holder struct {
	PID     int
	Command string
	Since   time.Time
}

// Acquire takes the lock of stack in dir ("" means DefaultDir), waiting until
// ctx is done. The file is never deleted: removing an flocked file lets two
// processes lock two different inodes of the same name.
func Acquire(ctx context.Context, dir, stack string) (*Lock, error) {
	if dir == "" {
		dir = DefaultDir
	}
	if stack == "" || strings.ContainsAny(stack, "/\x00") {
		return nil, fmt.Errorf("lock stack %q: invalid stack name", stack)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock stack %q: %w", stack, err)
	}
	path := filepath.Join(dir, stack+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock stack %q: %w", stack, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("lock stack %q: flock %s: %w", stack, path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, busyError(stack, path)
		case <-time.After(pollInterval):
		}
	}
	l := &Lock{f: f, path: path}
	if err := l.writeHolder(); err != nil {
		l.Release()
		return nil, fmt.Errorf("lock stack %q: write %s: %w", stack, path, err)
	}
	return l, nil
}

// AcquireTimeout is Acquire with a timeout instead of a context.
func AcquireTimeout(timeout time.Duration, dir, stack string) (*Lock, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return Acquire(ctx, dir, stack)
}

// Path is the lock file's path.
func (l *Lock) Path() string { return l.path }

// Release empties the file (so it no longer names a holder) and unlocks it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	truncErr := l.f.Truncate(0)
	unlockErr := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	closeErr := l.f.Close()
	l.f = nil
	if err := errors.Join(truncErr, unlockErr, closeErr); err != nil {
		return fmt.Errorf("release lock %s: %w", l.path, err)
	}
	return nil
}

func (l *Lock) writeHolder() error {
	h := Holder{PID: os.Getpid(), Command: commandLine(), Since: time.Now()}
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(h.encode()), 0)
	return err
}

func commandLine() string {
	args := make([]string, len(os.Args))
	for i, a := range os.Args {
		args[i] = a
		if i == 0 {
			args[i] = filepath.Base(a)
		}
	}
	return strings.Join(args, " ")
}

// encode writes one "key value" per line; the command line goes last as it
// may hold anything but a newline.
func (h Holder) encode() string {
	cmd := strings.ReplaceAll(h.Command, "\n", " ")
	return fmt.Sprintf("pid %d\nsince %s\ncommand %s\n", h.PID, h.Since.UTC().Format(time.RFC3339), cmd)
}

// ReadHolder reads who holds the lock at path; ok is false when the file
// names nobody (free, or the holder is still writing it).
func ReadHolder(path string) (h Holder, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Holder{}, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "pid":
			h.PID, _ = strconv.Atoi(val)
		case "since":
			h.Since, _ = time.Parse(time.RFC3339, val)
		case "command":
			h.Command = val
		}
	}
	return h, h.PID > 0
}

// BusyError says the lock is held by someone else.
type BusyError struct {
	Stack  string
	Path   string
	Holder Holder // zero when the file names nobody
}

func (e *BusyError) Error() string {
	if e.Holder.PID == 0 {
		return fmt.Sprintf("stack %q is locked by another netplan run (%s)", e.Stack, e.Path)
	}
	return fmt.Sprintf("stack %q is locked by pid %d (%s) since %s", e.Stack, e.Holder.PID, e.Holder.Command, e.Holder.Since.Local().Format(time.DateTime))
}

func busyError(stack, path string) error {
	h, _ := ReadHolder(path)
	return &BusyError{Stack: stack, Path: path, Holder: h}
}
