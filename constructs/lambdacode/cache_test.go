package lambdacode

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// goModule writes a module with a main package that imports a local
// package, and returns its directory.
func goModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"go.mod":          "module example.com/cached\n\ngo 1.22\n",
		"cmd/fn/main.go":  "package main\n\nimport \"example.com/cached/lib\"\n\nfunc main() { println(lib.Greeting) }\n",
		"lib/lib.go":      "package lib\n\nconst Greeting = \"hello\"\n",
		"lib/lib_test.go": "package lib\n",
	}, time.Now())
	return dir
}

func keyOf(t *testing.T, dir, pkg, arch string) string {
	t.Helper()
	keys, err := goZipKeys(dir, []string{pkg}, arch)
	if err != nil {
		t.Fatal(err)
	}
	if keys[pkg].key == "" {
		t.Fatalf("no key for %s: %v", pkg, keys)
	}
	return keys[pkg].key
}

// TestGoZipKeyFollowsTheSource proves the key changes with every input of
// the build (a dependency's source, a new file, go.mod, the architecture)
// and is the same again for the same inputs, wherever the module is.
func TestGoZipKeyFollowsTheSource(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	dir := goModule(t)
	base := keyOf(t, dir, "./cmd/fn", "arm64")
	if again := keyOf(t, dir, "./cmd/fn", "arm64"); again != base {
		t.Fatalf("the same inputs gave two keys: %s, %s", base, again)
	}
	if byPath := keyOf(t, dir, "example.com/cached/cmd/fn", "arm64"); byPath != base {
		t.Errorf("the package by import path has another key: %s vs %s", byPath, base)
	}
	// A copy elsewhere, with other modification times: the same key.
	elsewhere := goModule(t)
	if k := keyOf(t, elsewhere, "./cmd/fn", "arm64"); k != base {
		t.Errorf("the same module in another directory has another key")
	}
	if k := keyOf(t, dir, "./cmd/fn", "x86_64"); k == base {
		t.Error("the architecture does not change the key")
	}

	lib := filepath.Join(dir, "lib", "lib.go")
	orig, _ := os.ReadFile(lib)
	edits := []struct {
		name          string
		edit, restore func()
	}{
		{"edit of an imported package", func() {
			os.WriteFile(lib, []byte(strings.Replace(string(orig), "hello", "hellp", 1)), 0o644)
		}, func() { os.WriteFile(lib, orig, 0o644) }},
		{"new file in an imported package", func() {
			os.WriteFile(filepath.Join(dir, "lib", "more.go"), []byte("package lib\n\nvar More = 1\n"), 0o644)
		}, func() { os.Remove(filepath.Join(dir, "lib", "more.go")) }},
		{"go.mod", func() {
			os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/cached\n\ngo 1.23\n"), 0o644)
		}, func() {
			os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/cached\n\ngo 1.22\n"), 0o644)
		}},
		{"new go.sum", func() {
			os.WriteFile(filepath.Join(dir, "go.sum"), []byte("\n"), 0o644)
		}, func() { os.Remove(filepath.Join(dir, "go.sum")) }},
	}
	for _, e := range edits {
		e.edit()
		if k := keyOf(t, dir, "./cmd/fn", "arm64"); k == base {
			t.Errorf("%s does not change the key", e.name)
		}
		e.restore()
		if k := keyOf(t, dir, "./cmd/fn", "arm64"); k != base {
			t.Errorf("undoing the %s does not give the first key back", e.name)
		}
	}
	// Test files are not part of the binary.
	os.WriteFile(filepath.Join(dir, "lib", "lib_test.go"), []byte("package lib\n\nvar x = 1\n"), 0o644)
	if k := keyOf(t, dir, "./cmd/fn", "arm64"); k != base {
		t.Error("a test file changes the key")
	}
}

func TestGoZipKeysOfSeveralPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	dir := goModule(t)
	writeTree(t, dir, map[string]string{"cmd/other/main.go": "package main\n\nfunc main() {}\n"}, time.Now())
	keys, err := goZipKeys(dir, []string{"./cmd/fn", "./cmd/other"}, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if keys["./cmd/fn"].key != keyOf(t, dir, "./cmd/fn", "arm64") || keys["./cmd/other"].key != keyOf(t, dir, "./cmd/other", "arm64") {
		t.Error("a package listed with another has another key than listed alone")
	}
	if keys["./cmd/fn"].key == keys["./cmd/other"].key {
		t.Error("two packages share a key")
	}
	// A package that is also a dependency of the other: keyed one by one.
	if _, err := goZipKeys(dir, []string{"./cmd/fn", "./lib"}, "arm64"); err == nil {
		t.Error("a library package got a key")
	}
	if _, err := goZipKeys(dir, []string{"./missing"}, "arm64"); err == nil {
		t.Error("a missing package got a key")
	}
}

func forgetBuilds() {
	buildMu.Lock()
	defer buildMu.Unlock()
	builds = map[string]*build{}
}

// buildCounter counts the go builds behind produceGo, by package.
type buildCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *buildCounter) of(pkg string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[pkg]
}

func countBuilds(t *testing.T) *buildCounter {
	t.Helper()
	c := &buildCounter{n: map[string]int{}}
	orig := buildGoZip
	buildGoZip = func(dir, pkg, arch string) ([]byte, error) {
		c.mu.Lock()
		c.n[pkg]++
		c.mu.Unlock()
		return orig(dir, pkg, arch)
	}
	t.Cleanup(func() { buildGoZip = orig })
	return c
}

// TestGoZipCache builds once, then finds the same bytes in the cache for
// the same inputs, builds again after an edit, and never trusts a zip whose
// bytes no longer match.
func TestGoZipCache(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go code")
	}
	t.Setenv(CacheDirEnv, t.TempDir())
	builds := countBuilds(t)
	dir := goModule(t)
	first, err := produceGo(dir, "./cmd/fn", "arm64", nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := BuildGoZip(dir, "./cmd/fn", "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if first.hash != SourceCodeHash(want) {
		t.Fatal("the cached build differs from a direct build")
	}
	if got, _ := os.ReadFile(first.path); !bytes.Equal(got, want) {
		t.Fatal("the stored zip differs from a direct build")
	}
	if n := builds.of("./cmd/fn"); n != 1 {
		t.Fatalf("%d builds, want 1", n)
	}
	again, err := produceGo(dir, "./cmd/fn", "arm64", nil)
	if err != nil || again != first || builds.of("./cmd/fn") != 1 {
		t.Fatalf("identical inputs missed the cache: %v %v, %d builds", again, err, builds.of("./cmd/fn"))
	}
	// The same module elsewhere hits too (the key holds no paths).
	if a, err := produceGo(goModule(t), "./cmd/fn", "arm64", nil); err != nil || a != first || builds.of("./cmd/fn") != 1 {
		t.Fatalf("a copy of the module missed the cache: %v %v, %d builds", a, err, builds.of("./cmd/fn"))
	}

	lib := filepath.Join(dir, "lib", "lib.go")
	os.WriteFile(lib, []byte("package lib\n\nconst Greeting = \"changed\"\n"), 0o644)
	edited, err := produceGo(dir, "./cmd/fn", "arm64", nil)
	if err != nil {
		t.Fatal(err)
	}
	if builds.of("./cmd/fn") != 2 || edited.hash == first.hash {
		t.Fatalf("an edit did not rebuild: %d builds, hash %s", builds.of("./cmd/fn"), edited.hash)
	}

	// A damaged zip in the cache is rebuilt, not used.
	os.WriteFile(first.path, []byte("PK\x03\x04 damaged"), 0o644)
	os.WriteFile(lib, []byte("package lib\n\nconst Greeting = \"hello\"\n"), 0o644)
	repaired, err := produceGo(dir, "./cmd/fn", "arm64", nil)
	if err != nil {
		t.Fatal(err)
	}
	if builds.of("./cmd/fn") != 3 || repaired != first {
		t.Fatalf("a damaged cache entry was used: %d builds", builds.of("./cmd/fn"))
	}
	if got, _ := os.ReadFile(first.path); !bytes.Equal(got, want) {
		t.Fatal("the damaged zip was not replaced")
	}
}

// TestGoZipCacheSkipsChangedSources: a source edited between computing the
// key and the end of the build is not cached under the old key.
func TestGoZipCacheSkipsChangedSources(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go code")
	}
	t.Setenv(CacheDirEnv, t.TempDir())
	dir := goModule(t)
	keys, err := goZipKeys(dir, []string{"./cmd/fn"}, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	k := keys["./cmd/fn"]
	later := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "lib", "lib.go"), later, later)
	if k.unchanged() {
		t.Fatal("a touched source counts as unchanged")
	}
	if _, err := produceGo(dir, "./cmd/fn", "arm64", &k); err != nil {
		t.Fatal(err)
	}
	if _, ok := lookup(k.key); ok {
		t.Error("a build whose sources changed was cached")
	}
}

// TestPrebuild: a handler's build waits for the one Prebuild started and
// gets its result, errors included, as if it had built it itself.
func TestPrebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go code")
	}
	t.Setenv(CacheDirEnv, t.TempDir())
	builds := countBuilds(t)
	dir := goModule(t)
	t.Chdir(dir)
	// Relative packages name other code in another directory.
	forgetBuilds()
	t.Cleanup(forgetBuilds)
	good, bad := FromGoPackage("./cmd/fn"), FromGoPackage("./missing")
	Prebuild("", good, bad, FromS3("b", "k", ""), good)
	a, err := materialize(good, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	want, err := BuildGoZip("", "./cmd/fn", "arm64")
	if err != nil {
		t.Fatal(err)
	}
	if a.hash != SourceCodeHash(want) {
		t.Error("the prebuilt zip differs from a direct build")
	}
	_, err = materialize(bad, "arm64")
	_, direct := BuildGoZip("", "./missing", "arm64")
	if err == nil || direct == nil || err.Error() != direct.Error() {
		t.Errorf("prebuilt error %v, want %v", err, direct)
	}
	if n := builds.of("./missing"); n != 1 {
		t.Errorf("the missing package was built %d times, want once", n)
	}
	// A failure is given to one handler: the next one tries again.
	if _, err := materialize(bad, "arm64"); err == nil || builds.of("./missing") != 2 {
		t.Errorf("a failed build was kept: %v, %d builds", err, builds.of("./missing"))
	}
	if b, err := materialize(good, "arm64"); err != nil || b != a || builds.of("./cmd/fn") != 1 {
		t.Errorf("a successful build was not kept: %v, %d builds", err, builds.of("./cmd/fn"))
	}
}
