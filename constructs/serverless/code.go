package serverless

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
	"sort"
	"strings"
	"sync"
	"time"
)

type codeKind int

const (
	codeNone codeKind = iota
	codeDirectory
	codeGoPackage
	codeZipFile
	codeS3
	codeImage
)

// Code is where a function's code comes from. Build one with
// CodeFromDirectory, CodeFromGoPackage, CodeFromZipFile, CodeFromS3 or
// CodeFromImage.
type Code struct {
	kind                 codeKind
	path                 string
	bucket, key, version string
	imageURI             string
}

// CodeFromDirectory zips the files under dir (sorted, fixed times and modes)
// at synth time.
func CodeFromDirectory(dir string) Code { return Code{kind: codeDirectory, path: dir} }

// CodeFromGoPackage builds the Go main package pkg (an import path or a
// ./relative directory) for Linux on the function's architecture with
// CGO_ENABLED=0, -trimpath, no VCS stamp and an empty build id, and zips the
// binary as "bootstrap" for the provided.al2023 runtime. The same source and
// Go toolchain give the same bytes on every machine.
func CodeFromGoPackage(pkg string) Code { return Code{kind: codeGoPackage, path: pkg} }

// CodeFromZipFile uses a zip file built elsewhere.
func CodeFromZipFile(path string) Code { return Code{kind: codeZipFile, path: path} }

// CodeFromS3 uses a zip already uploaded to S3; give the object version to
// make deployments reproducible.
func CodeFromS3(bucket, key, objectVersion string) Code {
	return Code{kind: codeS3, bucket: bucket, key: key, version: objectVersion}
}

// CodeFromImage uses a container image from ECR, by URI (tag or digest).
func CodeFromImage(uri string) Code { return Code{kind: codeImage, imageURI: uri} }

func (c Code) String() string {
	switch c.kind {
	case codeDirectory:
		return "directory " + c.path
	case codeGoPackage:
		return "Go package " + c.path
	case codeZipFile:
		return "zip file " + c.path
	case codeS3:
		return "s3://" + c.bucket + "/" + c.key
	case codeImage:
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
// "bootstrap".
func BuildGoZip(dir, pkg, arch string) ([]byte, error) {
	goarch := map[string]string{"arm64": "arm64", "x86_64": "amd64"}[arch]
	if goarch == "" {
		return nil, fmt.Errorf("unknown architecture %q", arch)
	}
	tmp, err := os.MkdirTemp("", "hybridstack-gobuild-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "bootstrap")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-tags=lambda.norpc", "-o", out, pkg)
	cmd.Dir = dir
	// Everything that changes the binary is fixed here, not inherited:
	// target, cgo, and the instruction-set levels a user may have set.
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0", "GOAMD64=v1", "GOARM64=v8.0")
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

var (
	buildMu    sync.Mutex
	buildCache = map[string]artifact{}
)

// buildDir is where zips are written before cdktf copies them into the
// stack's assets; never cdktf.out itself, so a failed synth writes nothing
// there.
func buildDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "hybridstack", "lambda")
	return dir, os.MkdirAll(dir, 0o755)
}

// materialize produces the zip for zip-based code, building it at most once
// per process for the same source and architecture.
func materialize(c Code, arch string) (artifact, error) {
	key := fmt.Sprint(c.kind, "|", c.path, "|", arch)
	buildMu.Lock()
	defer buildMu.Unlock()
	if a, ok := buildCache[key]; ok {
		return a, nil
	}
	var data []byte
	var err error
	switch c.kind {
	case codeDirectory:
		data, err = ZipDirectory(c.path)
	case codeGoPackage:
		data, err = BuildGoZip("", c.path, arch)
	case codeZipFile:
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
	dir, err := buildDir()
	if err != nil {
		return artifact{}, err
	}
	hash := SourceCodeHash(data)
	name := strings.NewReplacer("/", "_", "+", "-", "=", "").Replace(hash) + ".zip"
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return artifact{}, err
	}
	a := artifact{path: path, hash: hash}
	buildCache[key] = a
	return a, nil
}
