package lock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAcquireWritesHolderAndReleaseClears(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "netplan") // Acquire must create it
	l, err := Acquire(context.Background(), dir, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "demo.lock"); l.Path() != want {
		t.Errorf("path = %q, want %q", l.Path(), want)
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("lock dir mode = %v, %v; want 0755", st.Mode().Perm(), err)
	}
	h, ok := ReadHolder(l.Path())
	if !ok || h.PID != os.Getpid() || h.Since.IsZero() || !strings.Contains(h.Command, filepath.Base(os.Args[0])) {
		t.Errorf("holder = %+v, %v; want this process", h, ok)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, ok := ReadHolder(l.Path()); ok {
		t.Error("released lock still names a holder")
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
}

func TestAcquireWaitsThenFailsNamingHolder(t *testing.T) {
	dir := t.TempDir()
	held, err := Acquire(context.Background(), dir, "demo")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()

	// flock is per open file description, so a second Acquire in this
	// process conflicts exactly as another process would.
	_, err = AcquireTimeout(120*time.Millisecond, dir, "demo")
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("err = %v, want *BusyError", err)
	}
	for _, want := range []string{`stack "demo" is locked by pid `, filepath.Base(os.Args[0]), " since "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if busy.Holder.PID != os.Getpid() {
		t.Errorf("holder pid = %d, want %d", busy.Holder.PID, os.Getpid())
	}

	// Another stack is independent.
	other, err := AcquireTimeout(time.Second, dir, "other")
	if err != nil {
		t.Fatalf("other stack: %v", err)
	}
	other.Release()
}

func TestAcquireSucceedsOnceReleased(t *testing.T) {
	dir := t.TempDir()
	held, err := Acquire(context.Background(), dir, "demo")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := AcquireTimeout(10*time.Second, dir, "demo")
		if err == nil {
			err = l.Release()
		}
		got <- err
	}()
	held.Release()
	if err := <-got; err != nil {
		t.Fatalf("waiting Acquire: %v", err)
	}
}

func TestAcquireRejectsBadStackNames(t *testing.T) {
	for _, stack := range []string{"", "../etc", "a/b"} {
		if l, err := Acquire(context.Background(), t.TempDir(), stack); err == nil {
			l.Release()
			t.Errorf("Acquire(%q) succeeded", stack)
		}
	}
}

func TestCancelledContextFailsAtOnceWhenBusy(t *testing.T) {
	dir := t.TempDir()
	held, err := Acquire(context.Background(), dir, "demo")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Acquire(ctx, dir, "demo"); err == nil {
		t.Fatal("Acquire with a cancelled context succeeded on a held lock")
	}
}
