package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	gossh "golang.org/x/crypto/ssh"
)

func TestReadModerators(t *testing.T) {
	alice, bob, anon := newKey(t, "alice"), newKey(t, "Bob the Mod"), newKey(t, "")
	for _, tc := range []struct {
		name  string
		text  string
		names []string // of the moderators read, in order
		err   string   // the error names FILE:LINE and says this
	}{
		{name: "keys, names, comments and blank lines",
			text:  "# moderators\n\n" + alice.line + "\n   " + bob.line + "  \n" + anon.line + "\n",
			names: []string{"alice", "Bob the Mod", gossh.FingerprintSHA256(anon.signer.PublicKey())}},
		{name: "not a key",
			text: alice.line + "\nssh-ed25519 AAAAnotbase64!! carol\n",
			err:  ":2: not a public key"},
		{name: "options before the key",
			text: `from="10.0.0.0/8" ` + alice.line + "\n",
			err:  `:1: options before the key (from="10.0.0.0/8") are not supported`},
		{name: "the same key twice",
			text: alice.line + "\n" + strings.Replace(alice.line, "alice", "alicia", 1) + "\n",
			err:  ":2: this key is already listed on line 1"},
		{name: "a name with an escape sequence",
			text: alice.line + "\x1b[31m\n",
			err:  ":1: the name after the key has control characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "moderators")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			mods, err := readModerators(path)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), path+tc.err) {
					t.Fatalf("got %v, want an error with %q", err, path+tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range mods {
				names = append(names, m.name)
			}
			if strings.Join(names, "|") != strings.Join(tc.names, "|") {
				t.Errorf("read %q, want %q", names, tc.names)
			}
			if m, ok := find(mods, bob.signer.PublicKey()); !ok || m.name != "Bob the Mod" {
				t.Errorf("bob's key finds %v %v", m, ok)
			}
		})
	}
}

func TestAModeratorsFileOthersCanWriteIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "moderators")
	if err := os.WriteFile(path, []byte(newKey(t, "alice").line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := readModerators(path); err == nil || !strings.Contains(err.Error(), "can be written by others") {
		t.Errorf("a world-writable file was read: %v", err)
	}
	os.Chmod(path, 0o644)
	if _, err := readModerators(path); err != nil {
		t.Errorf("a file only its owner writes was refused: %v", err)
	}
}

// FuzzReadModerators: whatever the file holds, reading it never panics,
// and every moderator it lets in has a key and a name safe to show.
func FuzzReadModerators(f *testing.F) {
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGn4oaBpiA3G5Qhk3Ztc1SOy6nRHKvN0VfxL4n2nZ0Sd"
	for _, seed := range []string{
		key + " alice\n",
		"# c\n\n" + key + "\n",
		`command="x" ` + key + " bob\n",
		key + " \x1b]0;pwned\x07\n",
		key + " alice\n" + key + " again\n",
		"ssh-rsa\n",
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "moderators")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		mods, err := readModerators(path)
		if err != nil {
			return
		}
		for _, m := range mods {
			if m.key == nil || m.name == "" || strings.IndexFunc(m.name, unicode.IsControl) >= 0 {
				t.Fatalf("let in %q with key %v", m.name, m.key)
			}
		}
	})
}
