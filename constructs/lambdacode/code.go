// Package lambdacode provides Code, where a Lambda function's code comes
// from (a Go package built at synth time, a directory, a zip file, an S3
// object or a container image), and the reproducible packaging behind it:
// Go binaries built with fixed flags, zips with sorted entries, fixed times
// and modes, so two machines produce the same source_code_hash. Zips of Go
// packages are cached on disk, keyed by every input of the build (see
// CacheDirEnv); Prebuild starts builds early. serverless.HandlerProps.Code
// takes a Code.
package lambdacode

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Kind is where a Code comes from.
type Kind int

// The kinds of Code. The zero Code is None.
const (
	// None is the zero Code: no code was given.
	None Kind = iota
	// Directory is a directory zipped at synth time (FromDirectory).
	Directory
	// GoPackage is a Go main package built and zipped at synth time
	// (FromGoPackage).
	GoPackage
	// ZipFile is a zip file built elsewhere (FromZipFile).
	ZipFile
	// S3 is a zip already uploaded to S3 (FromS3).
	S3
	// Image is a container image (FromImage).
	Image
)

// Code is where a Lambda function's code comes from. Build one with
// FromDirectory, FromGoPackage, FromZipFile, FromS3 or FromImage, and give
// it to serverless.HandlerProps.Code.
type Code struct {
	kind                 Kind
	path                 string
	bucket, key, version string
	imageURI             string
}

// FromDirectory zips the files under dir (sorted, fixed times and modes)
// at synth time.
func FromDirectory(dir string) Code { return Code{kind: Directory, path: dir} }

// FromGoPackage builds the Go main package pkg (an import path or a
// ./relative directory) for Linux on the function's architecture with
// CGO_ENABLED=0, -trimpath, no VCS stamp and an empty build id, and zips the
// binary as "bootstrap" for the provided.al2023 runtime. The same source and
// Go toolchain give the same bytes on every machine.
func FromGoPackage(pkg string) Code { return Code{kind: GoPackage, path: pkg} }

// FromZipFile uses a zip file built elsewhere.
func FromZipFile(path string) Code { return Code{kind: ZipFile, path: path} }

// FromS3 uses a zip already uploaded to S3; give the object version to
// make deployments reproducible.
func FromS3(bucket, key, objectVersion string) Code {
	return Code{kind: S3, bucket: bucket, key: key, version: objectVersion}
}

// FromImage uses a container image from ECR, by URI (tag or digest).
func FromImage(uri string) Code { return Code{kind: Image, imageURI: uri} }

// Kind returns where the code comes from.
func (c Code) Kind() Kind { return c.kind }

// Path returns the directory, Go package or zip file of code built
// locally, and "" for other kinds.
func (c Code) Path() string { return c.path }

// S3Object returns the bucket, key and object version ("" for the latest)
// of S3 code, and "" for other kinds.
func (c Code) S3Object() (bucket, key, version string) { return c.bucket, c.key, c.version }

// ImageURI returns the image of container image code, and "" for other
// kinds.
func (c Code) ImageURI() string { return c.imageURI }

// String describes the code for error messages, such as "Go package
// ./cmd/fn" or "s3://bucket/key".
func (c Code) String() string {
	switch c.kind {
	case Directory:
		return "directory " + c.path
	case GoPackage:
		return "Go package " + c.path
	case ZipFile:
		return "zip file " + c.path
	case S3:
		return "s3://" + c.bucket + "/" + c.key
	case Image:
		return "image " + c.imageURI
	}
	return "no code"
}

// zipEpoch is the modification time of every zip entry: the earliest time
// the zip format can store, so no clock or checkout time leaks in.
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

type zipEntry struct {
	name string // slash-separated, relative
	mode fs.FileMode
	data []byte
}

// writeZip writes entries sorted by name with fixed times and normalised
// modes (0755 when executable, 0644 otherwise).
func writeZip(w io.Writer, entries []zipEntry) error {
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	zw := zip.NewWriter(w)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: zipEpoch}
		mode := fs.FileMode(0o644)
		if e.mode&0o111 != 0 {
			mode = 0o755
		}
		h.SetMode(mode)
		f, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := f.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// ZipDirectory returns a deterministic zip of every regular file under dir.
// Symbolic links are refused: their targets would make the zip depend on the
// machine.
func ZipDirectory(dir string) ([]byte, error) {
	var entries []zipEntry
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link; copy the file instead", path)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		entries = append(entries, zipEntry{name: filepath.ToSlash(rel), mode: info.Mode(), data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s has no files", dir)
	}
	var buf bytes.Buffer
	if err := writeZip(&buf, entries); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// BuildGoZip builds pkg for linux/arch reproducibly, from the module in dir
// ("" for the current directory), and returns a zip holding the binary as
// "bootstrap". It always builds; functions reuse zips from a cache on disk
// (see Prebuild).
func BuildGoZip(dir, pkg, arch string) ([]byte, error) {
	goarch, err := goArch(arch)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "hybridstack-gobuild-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "bootstrap")
	cmd := exec.Command("go", goBuildArgs(out, pkg)...)
	cmd.Dir = dir
	// Everything that changes the binary is fixed here, not inherited:
	// target, cgo, and the instruction-set levels a user may have set.
	cmd.Env = goBuildEnv(goarch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build %s for linux/%s failed: %v: %s", pkg, goarch, err, strings.TrimSpace(stderr.String()))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeZip(&buf, []zipEntry{{name: "bootstrap", mode: 0o755, data: data}}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SourceCodeHash returns base64(SHA-256(zip)), the value Lambda compares.
func SourceCodeHash(zipBytes []byte) string {
	sum := sha256.Sum256(zipBytes)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// artifact is a zip ready to upload, stored in the build directory.
type artifact struct {
	path string // absolute path of the zip on this machine
	hash string // base64 SHA-256
}

// build is one zip being produced; done is closed when art or err is set.
type build struct {
	done chan struct{}
	art  artifact
	err  error
}

var (
	buildMu sync.Mutex
	// builds holds the zips built or being built in this process, by code
	// and architecture. A failed build is dropped once a caller has its
	// error, so a later caller tries again, as before.
	builds = map[string]*build{}
)

// defaultArchitecture is the architecture serverless.NewHandler uses when
// none is set.
const defaultArchitecture = "arm64"

func buildKey(c Code, arch string) string { return fmt.Sprint(c.kind, "|", c.path, "|", arch) }

// claim returns the build for key and whether the caller must run it.
func claim(key string) (*build, bool) {
	buildMu.Lock()
	defer buildMu.Unlock()
	if b, ok := builds[key]; ok {
		return b, false
	}
	b := &build{done: make(chan struct{})}
	builds[key] = b
	return b, true
}

func (b *build) finish(a artifact, err error) {
	b.art, b.err = a, err
	close(b.done)
}

// BuiltLocally reports whether the code is zipped on this machine
// (directories, Go packages and zip files), rather than referenced where
// it is (S3, images).
func (c Code) BuiltLocally() bool {
	return c.kind == Directory || c.kind == GoPackage || c.kind == ZipFile
}

// Prebuild starts producing the zips of codes for arch ("" for the default,
// arm64) in the background and returns at once. A function created later
// with the same code and architecture waits for that build instead of
// starting its own, and gets its zip, or its error, exactly as if it had
// built it. Call it before the jsii runtime starts (it takes seconds, and
// the builds run meanwhile); codes never used cost only the build. The
// files are read when Prebuild runs: do not prebuild code the program
// writes later. Go packages are listed together with one go list call and
// looked up in the cache on disk first (see CacheDirEnv). Codes not built
// locally (S3, images) are ignored.
func Prebuild(arch string, codes ...Code) {
	if arch == "" {
		arch = defaultArchitecture
	}
	type claimed struct {
		c Code
		b *build
	}
	var gos []claimed
	for _, c := range codes {
		if !c.BuiltLocally() || c.path == "" {
			continue
		}
		b, mine := claim(buildKey(c, arch))
		if !mine {
			continue
		}
		if c.kind != GoPackage {
			go func() { b.finish(produce(c, arch, nil)) }()
			continue
		}
		gos = append(gos, claimed{c, b})
	}
	if len(gos) == 0 {
		return
	}
	go func() {
		pkgs := make([]string, len(gos))
		for i, g := range gos {
			pkgs[i] = g.c.path
		}
		// One go list for all; when it fails (a package is missing, say),
		// each package is keyed on its own, so the others still hit.
		keys, err := goZipKeys("", pkgs, arch)
		for _, g := range gos {
			var key *goKey
			if err == nil {
				k := keys[g.c.path]
				key = &k
			}
			go func() { g.b.finish(produce(g.c, arch, key)) }()
		}
	}()
}

// Zip is code zipped on this machine, ready to upload.
type Zip struct {
	// Path is the zip's absolute path on this machine, in the build
	// directory under the cache (see CacheDirEnv); never under cdktf.out.
	Path string
	// Hash is base64(SHA-256) of the zip: Lambda's source_code_hash.
	Hash string
}

// Zip produces the zip of code built locally for architecture arch (""
// for the default, arm64): built at most once per process for the same
// code and architecture (waiting for a build Prebuild started), or found in
// the cache on disk. serverless.NewHandler calls it; a failed build is
// tried again by the next call. Code not zipped locally (S3, images) has
// no zip.
func (c Code) Zip(arch string) (Zip, error) {
	if !c.BuiltLocally() {
		return Zip{}, fmt.Errorf("%s is not built locally", c)
	}
	if arch == "" {
		arch = defaultArchitecture
	}
	a, err := materialize(c, arch)
	if err != nil {
		return Zip{}, err
	}
	return Zip{Path: a.path, Hash: a.hash}, nil
}

// Hash returns the source_code_hash a function with this code gets on
// architecture arch ("" for the default, arm64), producing the zip as Zip
// does. Code not zipped locally (S3, images) has no hash.
func (c Code) Hash(arch string) (string, error) {
	z, err := c.Zip(arch)
	return z.Hash, err
}

// materialize produces the zip for zip-based code, building it at most once
// per process for the same source and architecture, and waiting for a
// build Prebuild started.
func materialize(c Code, arch string) (artifact, error) {
	key := buildKey(c, arch)
	b, mine := claim(key)
	if mine {
		b.finish(produce(c, arch, nil))
	}
	<-b.done
	if b.err != nil {
		// Callers get a failure once each: the next one tries again.
		buildMu.Lock()
		if builds[key] == b {
			delete(builds, key)
		}
		buildMu.Unlock()
	}
	return b.art, b.err
}

// produce zips the code. For a Go package, key is its cache key (nil:
// compute it now; an empty key: do not use the cache).
func produce(c Code, arch string, key *goKey) (artifact, error) {
	var data []byte
	var err error
	switch c.kind {
	case Directory:
		data, err = ZipDirectory(c.path)
	case GoPackage:
		return produceGo("", c.path, arch, key)
	case ZipFile:
		data, err = os.ReadFile(c.path)
		if err == nil && !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			err = errors.New("is not a zip file")
		}
	default:
		return artifact{}, fmt.Errorf("%s is not built locally", c)
	}
	if err != nil {
		return artifact{}, err
	}
	return store(data)
}

// buildGoZip is BuildGoZip; tests count the builds through it.
var buildGoZip = BuildGoZip

// goBuilds bounds the go builds running at once: one core stays free for
// the jsii runtime, which starts meanwhile.
var goBuilds = make(chan struct{}, max(1, runtime.NumCPU()-1))

// produceGo returns the cached zip of pkg (in the module in dir) when its
// key is known and cached, and otherwise builds it and caches it under the
// key, unless a file the key was computed from changed meanwhile.
func produceGo(dir, pkg, arch string, key *goKey) (artifact, error) {
	if key == nil {
		key = &goKey{}
		if keys, err := goZipKeys(dir, []string{pkg}, arch); err == nil {
			*key = keys[pkg]
		}
	}
	if key.key != "" {
		if a, ok := lookup(key.key); ok {
			return a, nil
		}
	}
	goBuilds <- struct{}{}
	data, err := buildGoZip(dir, pkg, arch)
	<-goBuilds
	if err != nil {
		return artifact{}, err
	}
	a, err := store(data)
	if err != nil {
		return artifact{}, err
	}
	if key.key != "" && key.unchanged() {
		remember(key.key, a)
	}
	return a, nil
}

// buildDir is where zips are written before cdktf copies them into the
// stack's assets; never cdktf.out itself, so a failed synth writes nothing
// there.
func buildDir() (string, error) {
	dir := filepath.Join(cacheRoot(), "lambda")
	return dir, os.MkdirAll(dir, 0o755)
}

// zipName is the file name of a zip in the build directory.
func zipName(hash string) string {
	return strings.NewReplacer("/", "_", "+", "-", "=", "").Replace(hash) + ".zip"
}

// store writes the zip into the build directory, named by its hash.
func store(data []byte) (artifact, error) {
	dir, err := buildDir()
	if err != nil {
		return artifact{}, err
	}
	hash := SourceCodeHash(data)
	path := filepath.Join(dir, zipName(hash))
	if err := writeAtomic(path, data); err != nil {
		return artifact{}, err
	}
	return artifact{path: path, hash: hash}, nil
}
