package lambdacode

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writeTree(t *testing.T, dir string, files map[string]string, mtime time.Time) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o600)
		if filepath.Base(name) == "bootstrap" {
			mode = 0o700
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

func TestZipDirectoryIsDeterministic(t *testing.T) {
	files := map[string]string{"bootstrap": "#!/bin/sh\necho hi\n", "lib/util.py": "x = 1\n", "a.txt": "a"}
	a, b := t.TempDir(), t.TempDir()
	writeTree(t, a, files, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	writeTree(t, b, files, time.Now())
	za, err := ZipDirectory(a)
	if err != nil {
		t.Fatal(err)
	}
	zb, err := ZipDirectory(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(za, zb) || SourceCodeHash(za) != SourceCodeHash(zb) {
		t.Fatal("the same files in different directories with different times zip differently")
	}
	r, err := zip.NewReader(bytes.NewReader(za), int64(len(za)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(zipEpoch) {
			t.Errorf("%s has time %v", f.Name, f.Modified)
		}
		want := os.FileMode(0o644)
		if f.Name == "bootstrap" {
			want = 0o755
		}
		if f.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", f.Name, f.Mode().Perm(), want)
		}
	}
	if got := len(names); got != 3 || names[0] != "a.txt" || names[1] != "bootstrap" || names[2] != "lib/util.py" {
		t.Errorf("entries = %v, want sorted", names)
	}
}

func TestZipDirectoryRefusesSymlinksAndEmpty(t *testing.T) {
	dir := t.TempDir()
	if _, err := ZipDirectory(dir); err == nil {
		t.Error("empty directory zipped")
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "link")); err != nil {
		t.Skip(err)
	}
	if _, err := ZipDirectory(dir); err == nil {
		t.Error("symbolic link zipped")
	}
}

// TestGoBuildIsReproducible builds the same program from two different
// directories (so absolute paths differ) and requires identical zips.
func TestGoBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go code")
	}
	src := map[string]string{
		"go.mod":  "module example.com/hello\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from lambda\") }\n",
	}
	var zips [][]byte
	for _, mtime := range []time.Time{time.Unix(0, 0), time.Now()} {
		dir := t.TempDir()
		writeTree(t, dir, src, mtime)
		z, err := BuildGoZip(dir, ".", "arm64")
		if err != nil {
			t.Fatal(err)
		}
		zips = append(zips, z)
	}
	if !bytes.Equal(zips[0], zips[1]) {
		t.Fatalf("two builds differ: %s vs %s", SourceCodeHash(zips[0]), SourceCodeHash(zips[1]))
	}
	r, err := zip.NewReader(bytes.NewReader(zips[0]), int64(len(zips[0])))
	if err != nil || len(r.File) != 1 || r.File[0].Name != "bootstrap" || r.File[0].Mode().Perm() != 0o755 {
		t.Fatalf("zip = %v, %v", r, err)
	}
	f, _ := r.File[0].Open()
	head := make([]byte, 20)
	_, _ = f.Read(head)
	// ELF, 64-bit, little endian, machine AArch64 (0xb7).
	if !bytes.HasPrefix(head, []byte("\x7fELF\x02\x01")) || head[18] != 0xb7 {
		t.Errorf("bootstrap is not a linux/arm64 ELF binary: % x", head)
	}
	if _, err := BuildGoZip(t.TempDir(), ".", "mips"); err == nil {
		t.Error("unknown architecture accepted")
	}
}

// TestZip checks what serverless.NewHandler reads of a Code: the zip in
// the build directory under the cache, named by its hash; the same hash
// from Hash; and an error naming the code for code not built locally.
func TestZip(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(CacheDirEnv, cache)
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"bootstrap": "#!/bin/sh\n"}, time.Now())
	code := FromDirectory(dir)
	z, err := code.Zip("")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(z.Path)
	if err != nil {
		t.Fatal(err)
	}
	if z.Hash != SourceCodeHash(data) || filepath.Dir(z.Path) != filepath.Join(cache, "lambda") || filepath.Base(z.Path) != zipName(z.Hash) {
		t.Errorf("zip %+v: hash of the file %s, want it in %s/lambda named by its hash", z, SourceCodeHash(data), cache)
	}
	if h, err := code.Hash("arm64"); err != nil || h != z.Hash {
		t.Errorf("Hash = %q, %v; want %q (the default architecture is arm64)", h, err, z.Hash)
	}
	for _, c := range []Code{FromS3("b", "k", ""), FromImage("123456789012.dkr.ecr.eu-west-1.amazonaws.com/a:1"), {}} {
		if _, err := c.Zip(""); err == nil || err.Error() != c.String()+" is not built locally" {
			t.Errorf("%s: Zip error = %v", c, err)
		}
	}
	if _, err := FromZipFile(filepath.Join(dir, "bootstrap")).Zip(""); err == nil || err.Error() != "is not a zip file" {
		t.Errorf("a file that is not a zip: error = %v", err)
	}
}
