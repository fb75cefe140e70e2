package lambdacode_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hybridstack/hybridstack/constructs/lambdacode"
)

// Code in S3 is referenced where it is: nothing is built at synth time, so
// it has no zip and no hash; the object version pins the deployment.
// serverless.HandlerProps.Code takes it.
func ExampleFromS3() {
	code := lambdacode.FromS3("acme-artifacts", "billing/v7.zip", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY")
	bucket, key, version := code.S3Object()
	fmt.Println(code, code.Kind() == lambdacode.S3, code.BuiltLocally())
	fmt.Println(bucket, key, version)
	_, err := code.Hash("")
	fmt.Println(err)
	// Output:
	// s3://acme-artifacts/billing/v7.zip true false
	// acme-artifacts billing/v7.zip 3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY
	// s3://acme-artifacts/billing/v7.zip is not built locally
}

// A Go main package is built at synth time (when a function uses it, or
// earlier with Prebuild) for linux on the function's architecture.
func ExampleFromGoPackage() {
	code := lambdacode.FromGoPackage("github.com/acme/app/cmd/resize")
	fmt.Println(code, code.Kind() == lambdacode.GoPackage, code.BuiltLocally())
	// Output: Go package github.com/acme/app/cmd/resize true true
}

// The zip of a directory depends on the files' names, contents and
// executable bits only: not on times, order on disk or the machine.
func ExampleZipDirectory() {
	dir, err := os.MkdirTemp("", "lambdacode-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	write := func(name, content string, mode os.FileMode) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			fmt.Println(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			fmt.Println(err)
		}
	}
	write("bootstrap", "#!/bin/sh\n", 0o755)
	write("config.json", `{"level":"info"}`, 0o600)
	first, err := lambdacode.ZipDirectory(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Touch a file: the zip stays the same.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "config.json"), later, later); err != nil {
		fmt.Println(err)
	}
	second, err := lambdacode.ZipDirectory(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.Equal(first, second), lambdacode.SourceCodeHash(first) == lambdacode.SourceCodeHash(second))

	_, err = lambdacode.ZipDirectory(filepath.Join(dir, "missing"))
	fmt.Println(err != nil)
	// Output:
	// true true
	// true
}
