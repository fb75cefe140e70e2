package job

import (
	"context"
	"crypto/x509"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/rds/auth"
)

// rdsCABundle is the Amazon RDS CA bundle (see the file's header for where
// it comes from and how it was checked).
//
//go:embed rds-ca-bundle.pem
var rdsCABundle []byte

// RDSRootCAs returns a new pool holding the Amazon RDS certificate
// authorities embedded in the program: every Region's RSA2048, RSA4096 and
// ECC384 G1 roots (and the expired 2019 ones). TLSVerifyFull verifies the
// server against it unless DatabaseConfig.RootCAs says otherwise.
func RDSRootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(rdsCABundle) {
		// The file is embedded at build time; a test checks it parses.
		panic("job: the embedded RDS CA bundle holds no certificate")
	}
	return pool
}

// LoadRootCAs reads a PEM file of certificate authorities, such as the
// RDS global bundle, into a new pool. It returns an error when the file
// cannot be read or holds no certificate.
func LoadRootCAs(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the database CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("the database CA bundle %s holds no PEM certificate", path)
	}
	return pool, nil
}

// RDSIAMAuthToken returns a DatabaseConfig.AuthToken that builds an RDS
// IAM authentication token for user at host:port, signed in region with
// creds (aws-sdk-go-v2's feature/rds/auth). A token is valid for 15
// minutes and only to open a connection, so one is built per connection.
// The caller's role needs rds-db:connect on the user's dbuser ARN
// (database.Postgres.GrantConnect), and the user the rds_iam role.
func RDSIAMAuthToken(host string, port int, region, user string, creds aws.CredentialsProvider) func(ctx context.Context) (string, error) {
	endpoint := net.JoinHostPort(host, strconv.Itoa(port))
	return func(ctx context.Context) (string, error) {
		if region == "" {
			return "", errors.New("building the database IAM authentication token: no AWS Region (set AWS_REGION)")
		}
		if creds == nil {
			return "", errors.New("building the database IAM authentication token: no AWS credentials")
		}
		tok, err := auth.BuildAuthToken(ctx, endpoint, region, user, creds)
		if err != nil {
			return "", fmt.Errorf("building the database IAM authentication token: %w", err)
		}
		return tok, nil
	}
}
