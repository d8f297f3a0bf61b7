package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"unicode"

	gossh "golang.org/x/crypto/ssh"
)

// moderator is one key the server lets in, and the name the audit log
// records that key's actions under.
type moderator struct {
	name string
	key  gossh.PublicKey
}

// readModerators reads a moderators file: the public keys allowed in, one
// per line as in OpenSSH's authorized_keys, each followed by the name of
// the moderator who holds it. A key with no name is recorded as its
// fingerprint. Blank lines and lines that start with # are skipped. A line
// that cannot be used is an error naming the file and the line: a file
// that lets in fewer people than its author meant must not be half read.
func readModerators(path string) ([]moderator, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o022 != 0 {
		// As sshd's StrictModes: whoever can write the file can let
		// themselves in.
		return nil, fmt.Errorf("%s can be written by others (mode %v), who could let themselves in: chmod go-w %s", path, fi.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var mods []moderator
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, comment, options, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: not a public key (%v); a line is a key as `ssh-keygen` writes it in its .pub file, then the moderator's name", path, n, err)
		}
		if len(options) > 0 {
			return nil, fmt.Errorf("%s:%d: options before the key (%s) are not supported here: start the line with the key's type", path, n, strings.Join(options, ","))
		}
		name := strings.TrimSpace(comment)
		if strings.IndexFunc(name, unicode.IsControl) >= 0 {
			return nil, fmt.Errorf("%s:%d: the name after the key has control characters", path, n)
		}
		if name == "" {
			name = gossh.FingerprintSHA256(key)
		}
		id := string(key.Marshal())
		if first, ok := seen[id]; ok {
			return nil, fmt.Errorf("%s:%d: this key is already listed on line %d; a key names one moderator", path, n, first)
		}
		seen[id] = n
		mods = append(mods, moderator{name: name, key: key})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return mods, nil
}

// find returns the moderator who holds key.
func find(mods []moderator, key gossh.PublicKey) (moderator, bool) {
	want := key.Marshal()
	for _, m := range mods {
		if bytes.Equal(m.key.Marshal(), want) {
			return m, true
		}
	}
	return moderator{}, false
}
