package linux

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// Exec replaces the process with argv run inside the named namespace, with a
// /sys of that namespace, as `ip netns exec` does. It must be called from the main goroutine of a
// program whose main thread is locked (cmd/netplan's init): setns changes
// only the calling thread, and execve keeps only that thread. An empty name
// runs argv in the caller's own namespace (a container on the host network).
func Exec(netnsName string, argv []string) error {
	if len(argv) == 0 {
		return fmt.Errorf("exec in netns %s: no command", netnsName)
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return fmt.Errorf("exec %s in netns %s: %w", argv[0], netnsName, err)
	}
	if netnsName == "" {
		err = syscall.Exec(path, argv, os.Environ())
		return fmt.Errorf("exec %s: %w", path, err)
	}
	runtime.LockOSThread() // on error the thread stays in the namespace: never hand it back
	fd, err := unix.Open(netnsDir+"/"+netnsName, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("exec in netns %s: open: %w", netnsName, err)
	}
	err = unix.Setns(fd, unix.CLONE_NEWNET)
	_ = unix.Close(fd)
	if err != nil {
		return fmt.Errorf("exec in netns %s: enter: %w", netnsName, err)
	}
	if err := remountSys(netnsName); err != nil {
		return fmt.Errorf("exec in netns %s: %w", netnsName, err)
	}
	err = syscall.Exec(path, argv, os.Environ())
	return fmt.Errorf("exec %s in netns %s: %w", path, netnsName, err)
}

// remountSys gives the command a /sys that shows the namespace's links, as
// `ip netns exec` does, in a mount namespace of its own so the caller's /sys
// is left alone.
func remountSys(name string) error {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("unshare mount namespace: %w", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make / a slave mount: %w", err)
	}
	_ = unix.Unmount("/sys", unix.MNT_DETACH) // absent in some containers
	if err := unix.Mount(name, "/sys", "sysfs", 0, ""); err != nil {
		return fmt.Errorf("mount /sys: %w", err)
	}
	return nil
}
