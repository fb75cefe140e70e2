package lambdacode

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// The zip of a Go package is cached on disk, keyed by everything that can
// change the binary: the Go toolchain and its settings, the fixed build
// flags, the module files and the content of every source file of every
// package in the dependency graph (the standard library included); modules
// from the module cache, which Go never changes once downloaded and
// verified, count by path and version. One `go list -deps` call per batch of
// packages lists the graph. Anything unexpected (go list fails, a package
// has errors, a source file changes during the build) skips the cache and
// builds as if it did not exist; the cache only ever saves time.

// CacheDirEnv names the environment variable that moves the cache (built
// zips and the Go build index) away from os.UserCacheDir()/hybridstack.
const CacheDirEnv = "HYBRIDSTACK_CACHE_DIR"

// cacheFormat changes whenever the key or the stored form changes.
const cacheFormat = "hybridstack-gozip-v1"

// cacheRoot is $HYBRIDSTACK_CACHE_DIR, or hybridstack under the user's
// cache directory (the temporary directory when there is none).
func cacheRoot() string {
	if d := os.Getenv(CacheDirEnv); d != "" {
		if abs, err := filepath.Abs(d); err == nil {
			return abs
		}
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "hybridstack")
}

// goBuildArgs and goBuildEnv are the fixed flags and environment of every
// Lambda build: go list must see the package graph go build sees.
func goBuildArgs(out, pkg string) []string {
	return []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-tags=lambda.norpc", "-o", out, pkg}
}

func goBuildEnv(goarch string) []string {
	return append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0", "GOAMD64=v1", "GOARM64=v8.0")
}

func goArch(arch string) (string, error) {
	goarch := map[string]string{"arm64": "arm64", "x86_64": "amd64"}[arch]
	if goarch == "" {
		return "", fmt.Errorf("unknown architecture %q", arch)
	}
	return goarch, nil
}

// goEnvVars are the go env settings that can change a binary beyond what the
// build command fixes. GOMODCACHE decides which packages count by version.
var goEnvVars = []string{"GOVERSION", "GOROOT", "GOFLAGS", "GOEXPERIMENT", "GOFIPS140", "GOTOOLCHAIN", "GOWORK", "GOMOD", "GOMODCACHE", "GOOS", "GOARCH", "GOAMD64", "GOARM64", "CGO_ENABLED"}

// listedPackage is the part of go list's output the key uses.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Standard   bool
	Module     *struct {
		Path    string
		Version string
		Dir     string
		GoMod   string
		Main    bool
		Replace *struct {
			Path    string
			Version string
		}
	}
	GoFiles, CgoFiles, CFiles, CXXFiles, MFiles, HFiles, FFiles, SFiles []string
	SwigFiles, SwigCXXFiles, SysoFiles, EmbedFiles                      []string
	Deps                                                                []string
	Error                                                               *struct{ Err string }
	DepsErrors                                                          []*struct{ Err string }
	Incomplete                                                          bool
}

// files returns the package's build inputs, each prefixed by its kind.
func (p *listedPackage) files() []string {
	var out []string
	for _, g := range []struct {
		kind  string
		names []string
	}{
		{"go", p.GoFiles}, {"cgo", p.CgoFiles}, {"c", p.CFiles}, {"cxx", p.CXXFiles}, {"m", p.MFiles},
		{"h", p.HFiles}, {"f", p.FFiles}, {"s", p.SFiles}, {"swig", p.SwigFiles}, {"swigcxx", p.SwigCXXFiles},
		{"syso", p.SysoFiles}, {"embed", p.EmbedFiles},
	} {
		for _, n := range g.names {
			out = append(out, g.kind+":"+n)
		}
	}
	return out
}

// stamp is what a file looked like when it was hashed; the key is stored
// only if every file still looks the same after the build.
type stamp struct {
	path  string
	size  int64
	mtime time.Time
}

func stampOf(path string) (stamp, error) {
	info, err := os.Stat(path)
	if err != nil {
		return stamp{}, err
	}
	return stamp{path: path, size: info.Size(), mtime: info.ModTime()}, nil
}

// goKey is the cache key of one package's zip, with the stamps of the files
// it hashed.
type goKey struct {
	key    string // hex SHA-256
	stamps []stamp
}

// unchanged reports whether every file hashed for the key still has the
// size and modification time it had (and every package directory, so an
// added file shows too).
func (k goKey) unchanged() bool {
	for _, s := range k.stamps {
		now, err := stampOf(s.path)
		if err != nil || now.size != s.size || !now.mtime.Equal(s.mtime) {
			return false
		}
	}
	return true
}

// fileHashes memoizes content hashes within one key computation batch.
type fileHashes struct {
	mu   sync.Mutex
	sums map[string][32]byte
}

func (h *fileHashes) sum(path string) ([32]byte, error) {
	h.mu.Lock()
	s, ok := h.sums[path]
	h.mu.Unlock()
	if ok {
		return s, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return s, err
	}
	defer f.Close()
	d := sha256.New()
	if _, err := io.Copy(d, f); err != nil {
		return s, err
	}
	copy(s[:], d.Sum(nil))
	h.mu.Lock()
	h.sums[path] = s
	h.mu.Unlock()
	return s, nil
}

// goZipKeys computes the cache key of each of pkgs (as given to go build)
// built for linux/arch from the module in dir ("" for the current
// directory). It fails when go list fails or reports any problem: the
// caller then builds without the cache, and go build reports the problem.
func goZipKeys(dir string, pkgs []string, arch string) (map[string]goKey, error) {
	goarch, err := goArch(arch)
	if err != nil {
		return nil, err
	}
	env := goBuildEnv(goarch)
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	var (
		envOut []byte
		envErr error
		wg     sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		envOut, envErr = run(append([]string{"env", "-json"}, goEnvVars...)...)
	}()
	fields := "ImportPath,Name,Dir,Standard,Module,GoFiles,CgoFiles,CFiles,CXXFiles,MFiles,HFiles,FFiles,SFiles,SwigFiles,SwigCXXFiles,SysoFiles,EmbedFiles,Deps,Error,DepsErrors,Incomplete"
	// The list arguments mirror goBuildArgs: only -tags changes the graph.
	listOut, listErr := run(append([]string{"list", "-deps", "-json=" + fields, "-tags=lambda.norpc", "--"}, pkgs...)...)
	wg.Wait()
	if envErr != nil {
		return nil, envErr
	}
	if listErr != nil {
		return nil, listErr
	}
	var goenv map[string]string
	if err := json.Unmarshal(envOut, &goenv); err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	modcache := goenv["GOMODCACHE"]

	byPath := map[string]*listedPackage{}
	var order []*listedPackage
	dec := json.NewDecoder(bytes.NewReader(listOut))
	for {
		p := &listedPackage{}
		if err := dec.Decode(p); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list: %w", err)
		}
		if p.Error != nil || len(p.DepsErrors) > 0 || p.Incomplete {
			return nil, fmt.Errorf("go list: package %s has errors", p.ImportPath)
		}
		byPath[p.ImportPath] = p
		order = append(order, p)
	}
	// go list prints the dependencies first; the packages asked for are the
	// ones no other listed package depends on, in the order asked. Match
	// them to the arguments by position among the roots.
	depended := map[string]bool{}
	for _, p := range order {
		for _, d := range p.Deps {
			depended[d] = true
		}
	}
	var roots []*listedPackage
	for _, p := range order {
		if !depended[p.ImportPath] {
			roots = append(roots, p)
		}
	}
	matched := len(roots) == len(pkgs)
	for i := 0; matched && i < len(pkgs); i++ {
		// Arguments that are import paths must name their root; relative
		// directories are taken by position.
		if p := pkgs[i]; !strings.HasPrefix(p, ".") && !filepath.IsAbs(p) && p != roots[i].ImportPath {
			matched = false
		}
	}
	if !matched {
		// A package asked for is also a dependency of another, or one was
		// named twice: key each on its own.
		if len(pkgs) == 1 {
			return nil, errors.New("go list: cannot tell the package asked for")
		}
		out := map[string]goKey{}
		for _, p := range pkgs {
			k, err := goZipKeys(dir, []string{p}, arch)
			if err != nil {
				return nil, err
			}
			out[p] = k[p]
		}
		return out, nil
	}

	// Each package's own part of the key, computed once per batch.
	hashes := &fileHashes{sums: map[string][32]byte{}}
	type part struct {
		text   string
		stamps []stamp
		err    error
	}
	parts := make(map[string]*part, len(order))
	var pwg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, p := range order {
		pt := &part{}
		parts[p.ImportPath] = pt
		pwg.Add(1)
		go func(p *listedPackage, pt *part) {
			defer pwg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			pt.text, pt.stamps, pt.err = packagePart(p, modcache, hashes)
		}(p, pt)
	}
	pwg.Wait()

	out := map[string]goKey{}
	for i, root := range roots {
		if root.Name != "main" {
			return nil, fmt.Errorf("%s is not a main package", root.ImportPath)
		}
		h := sha256.New()
		fmt.Fprintf(h, "%s\nbuild %q\ngoarch %s\n", cacheFormat, goBuildArgs("bootstrap", root.ImportPath), goarch)
		for _, v := range goEnvVars {
			if v == "GOMOD" || v == "GOMODCACHE" || v == "GOWORK" {
				continue // paths on this machine; their files are hashed below
			}
			fmt.Fprintf(h, "env %s=%q\n", v, goenv[v])
		}
		// The module and workspace files: go.mod, go.sum and go.work decide
		// versions and language settings (the //go:debug defaults too).
		var k goKey
		for _, f := range moduleFiles(goenv, byPath, root) {
			// Stamp first, then read: a change in between shows after the build.
			st, err := stampOf(f)
			if errors.Is(err, os.ErrNotExist) {
				// Its directory changes when it appears.
				if st, err = stampOf(filepath.Dir(f)); err == nil {
					k.stamps = append(k.stamps, st)
				}
				fmt.Fprintf(h, "absent %s\n", filepath.Base(f))
				continue
			} else if err != nil {
				return nil, err
			}
			s, err := hashes.sum(f)
			if err != nil {
				return nil, err
			}
			k.stamps = append(k.stamps, st)
			fmt.Fprintf(h, "file %s %x\n", filepath.Base(f), s)
		}
		deps := append([]string{root.ImportPath}, root.Deps...)
		sort.Strings(deps)
		for _, d := range deps {
			pt := parts[d]
			if pt == nil {
				return nil, fmt.Errorf("go list: %s depends on %s, which is not listed", root.ImportPath, d)
			}
			if pt.err != nil {
				return nil, pt.err
			}
			io.WriteString(h, pt.text)
			k.stamps = append(k.stamps, pt.stamps...)
		}
		k.key = hex.EncodeToString(h.Sum(nil))
		out[pkgs[i]] = k
	}
	return out, nil
}

// packagePart is one package's contribution to a key: its identity and
// module, and either the content of each of its files or, for a module in
// the module cache, the module's path and version.
func packagePart(p *listedPackage, modcache string, hashes *fileHashes) (string, []stamp, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s %s std=%v\n", p.ImportPath, p.Name, p.Standard)
	if m := p.Module; m != nil {
		fmt.Fprintf(&b, " module %s %s main=%v\n", m.Path, m.Version, m.Main)
		if m.Replace != nil {
			fmt.Fprintf(&b, " replace %s %s\n", m.Replace.Path, m.Replace.Version)
		}
		if m.Version != "" && (m.Replace == nil || m.Replace.Version != "") && modcache != "" && within(modcache, p.Dir) {
			// Read-only and verified against go.sum when downloaded.
			return b.String(), nil, nil
		}
	}
	var stamps []stamp
	st, err := stampOf(p.Dir)
	if err != nil {
		return "", nil, err
	}
	stamps = append(stamps, st)
	for _, f := range p.files() {
		kind, name, _ := strings.Cut(f, ":")
		path := filepath.Join(p.Dir, filepath.FromSlash(name))
		st, err := stampOf(path)
		if err != nil {
			return "", nil, err
		}
		s, err := hashes.sum(path)
		if err != nil {
			return "", nil, err
		}
		stamps = append(stamps, st)
		fmt.Fprintf(&b, " %s %q %x\n", kind, name, s)
	}
	return b.String(), stamps, nil
}

// moduleFiles returns go.work (when a workspace is in use) and the go.mod
// and go.sum of every module whose packages are hashed by content.
func moduleFiles(goenv map[string]string, byPath map[string]*listedPackage, root *listedPackage) []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if f != "" && f != os.DevNull && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	if w := goenv["GOWORK"]; w != "" && w != "off" {
		add(w)
		add(w + ".sum")
	}
	if m := goenv["GOMOD"]; m != "" && m != os.DevNull {
		add(m)
		add(filepath.Join(filepath.Dir(m), "go.sum"))
	}
	for _, d := range append([]string{root.ImportPath}, root.Deps...) {
		p := byPath[d]
		if p == nil || p.Module == nil || p.Module.Dir == "" || within(goenv["GOMODCACHE"], p.Module.Dir) {
			continue
		}
		add(filepath.Join(p.Module.Dir, "go.mod"))
		add(filepath.Join(p.Module.Dir, "go.sum"))
	}
	sort.Strings(out)
	return out
}

func within(dir, path string) bool {
	if dir == "" {
		return false
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// indexPath is where the cache remembers the zip built for a key: a file
// holding the zip's base64 SHA-256, whose bytes are in the lambda directory.
func indexPath(key string) string {
	return filepath.Join(cacheRoot(), "gozip", key[:2], key)
}

// lookup returns the artifact cached for key, after checking the zip's
// bytes still hash to what was recorded.
func lookup(key string) (artifact, bool) {
	rec, err := os.ReadFile(indexPath(key))
	if err != nil {
		return artifact{}, false
	}
	hash := strings.TrimSpace(string(rec))
	dir, err := buildDir()
	if err != nil {
		return artifact{}, false
	}
	path := filepath.Join(dir, zipName(hash))
	data, err := os.ReadFile(path)
	if err != nil || SourceCodeHash(data) != hash {
		return artifact{}, false
	}
	return artifact{path: path, hash: hash}, true
}

// remember records the artifact built for key; failures only cost a
// rebuild next time.
func remember(key string, a artifact) {
	p := indexPath(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	_ = writeAtomic(p, []byte(a.hash+"\n"))
}

// writeAtomic writes data to path through a temporary file in the same
// directory, so a reader sees the old content or the new, never a part.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(f.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(f.Name(), path)
	}
	if werr != nil {
		os.Remove(f.Name())
	}
	return werr
}
