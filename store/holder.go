package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// holder names the process that holds a lock on path, for the message of a
// command that gave up waiting. On Linux /proc/locks tells; elsewhere, or
// when it cannot be read, the message stays general.
func holder(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "another process"
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "another process"
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return "another process"
	}
	defer f.Close()
	want := fmt.Sprintf(":%d", st.Ino)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// 1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] != "FLOCK" || !strings.HasSuffix(fields[5], want) {
			continue
		}
		pid, err := strconv.Atoi(fields[4])
		if err != nil || pid == os.Getpid() {
			continue
		}
		return describePID(pid)
	}
	return "another process"
}

func describePID(pid int) string {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(raw) == 0 {
		return fmt.Sprintf("process %d", pid)
	}
	args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
	if len(args) > 4 {
		args = append(args[:4], "…")
	}
	for i, a := range args {
		if i == 0 {
			if j := strings.LastIndexByte(a, '/'); j >= 0 {
				a = a[j+1:]
			}
		}
		args[i] = strconv.QuoteToGraphic(a)
		if !strings.ContainsAny(a, " \"\\") && strconv.QuoteToGraphic(a) == `"`+a+`"` {
			args[i] = a
		}
	}
	return fmt.Sprintf("process %d (%s)", pid, strings.Join(args, " "))
}
