package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
)

// confirm asks on a terminal and accepts only "yes", as Terraform does.
// Without a terminal nobody can answer, so it fails rather than guess.
func (a *app) confirm(question, explain, cancelled string) error {
	if !a.stdinTTY() {
		return errors.New("stdin is not a terminal, so netplan cannot ask for confirmation; run again with -auto-approve")
	}
	fmt.Fprintf(a.stdout, "\n%s\n  %s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question, explain)
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(a.stdout)
		return errors.New(cancelled)
	}
	fmt.Fprintln(a.stdout)
	if strings.TrimSpace(line) != "yes" {
		return errors.New(cancelled)
	}
	return nil
}
