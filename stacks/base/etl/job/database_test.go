package job

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testDBPassword = "pg-Secr3t-0f-the-master"

// baseEnv is the required non-database configuration.
func baseEnv(extra map[string]string) map[string]string {
	m := map[string]string{
		EnvVendorURL:    "https://api.vendor.example",
		EnvVendorAPIKey: testKey,
		EnvOutputBucket: "prices-lake",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func allDatabaseEnv() map[string]string {
	return map[string]string{
		EnvDatabaseHost:     " prices.abc123.eu-west-1.rds.amazonaws.com ",
		EnvDatabasePort:     "5432",
		EnvDatabaseName:     "prices",
		EnvDatabaseUser:     "etl_admin",
		EnvDatabasePassword: testDBPassword,
	}
}

func TestDatabaseEnvNamesMatchTheStack(t *testing.T) {
	// The etljob stack sets these exact names (stacks/etljob/etljob.go).
	assert.Equal(t, []string{"DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_USER", "DATABASE_PASSWORD", "DATABASE_IAM_AUTH", "DATABASE_CA_FILE"},
		[]string{EnvDatabaseHost, EnvDatabasePort, EnvDatabaseName, EnvDatabaseUser, EnvDatabasePassword, EnvDatabaseIAMAuth, EnvDatabaseCAFile})
}

func TestConfigFromEnvDatabase(t *testing.T) {
	c, err := ConfigFromEnv(env(baseEnv(nil)))
	require.NoError(t, err)
	assert.Nil(t, c.Database, "no database variable: S3 only")

	c, err = ConfigFromEnv(env(baseEnv(allDatabaseEnv())))
	require.NoError(t, err)
	require.NotNil(t, c.Database)
	assert.Equal(t, DatabaseConfig{
		Host: "prices.abc123.eu-west-1.rds.amazonaws.com", Port: 5432, Name: "prices", User: "etl_admin", Password: testDBPassword,
	}, *c.Database)

	// The password is kept as is, spaces included.
	e := allDatabaseEnv()
	e[EnvDatabasePassword] = " p w "
	c, err = ConfigFromEnv(env(baseEnv(e)))
	require.NoError(t, err)
	assert.Equal(t, " p w ", c.Database.Password)
}

func TestConfigFromEnvDatabaseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		// set is the database variables; with over, set over all five.
		set  map[string]string
		over bool
		want []string
	}{
		{"host and password only", map[string]string{EnvDatabaseHost: "db.example", EnvDatabasePassword: testDBPassword}, false, []string{
			"missing database environment variables: DATABASE_PORT, DATABASE_NAME, DATABASE_USER (set all of DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER and one of DATABASE_PASSWORD and DATABASE_IAM_AUTH=true to load into PostgreSQL, or none)",
		}},
		{"all but the password", map[string]string{EnvDatabaseHost: "db.example", EnvDatabasePort: "5432", EnvDatabaseName: "prices", EnvDatabaseUser: "etl"}, false, []string{
			"missing database environment variables: DATABASE_PASSWORD or DATABASE_IAM_AUTH (set all of",
		}},
		{"password and IAM auth", map[string]string{EnvDatabaseIAMAuth: "true"}, true, []string{
			"DATABASE_PASSWORD and DATABASE_IAM_AUTH=true are both set: set one",
		}},
		{"IAM auth not a boolean", map[string]string{EnvDatabaseIAMAuth: "iam"}, true, []string{`DATABASE_IAM_AUTH "iam" is not true or false`}},
		{"CA file missing", map[string]string{EnvDatabaseCAFile: "/nonexistent/rds-ca.pem"}, true, []string{"DATABASE_CA_FILE: reading the database CA bundle: open /nonexistent/rds-ca.pem"}},
		{"blank values are missing", map[string]string{EnvDatabaseHost: "db.example", EnvDatabasePort: " ", EnvDatabaseName: "prices", EnvDatabaseUser: "etl", EnvDatabasePassword: testDBPassword}, false, []string{
			"missing database environment variables: DATABASE_PORT (set all of",
		}},
		{"port not a number", map[string]string{EnvDatabasePort: "5432/tcp"}, true, []string{`DATABASE_PORT "5432/tcp" is not a port number between 1 and 65535`}},
		{"port zero", map[string]string{EnvDatabasePort: "0"}, true, []string{`DATABASE_PORT "0" is not a port number between 1 and 65535`}},
		{"port too large", map[string]string{EnvDatabasePort: "65536"}, true, []string{`DATABASE_PORT "65536" is not a port number between 1 and 65535`}},
		{"host with a space", map[string]string{EnvDatabaseHost: "db example"}, true, []string{`database host (DATABASE_HOST) "db example" must be a host name or address`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.set
			if tc.over {
				e = allDatabaseEnv()
				for k, v := range tc.set {
					e[k] = v
				}
			}
			_, err := ConfigFromEnv(env(baseEnv(e)))
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Len(t, strings.Split(err.Error(), "; "), len(tc.want), "one error: %v", err)
			assert.NotContains(t, err.Error(), testDBPassword)
		})
	}

	// Missing required variables and partial database variables are
	// reported together.
	_, err := ConfigFromEnv(env(map[string]string{EnvDatabaseUser: "etl"}))
	require.Error(t, err)
	assert.Equal(t, "missing required environment variables: VENDOR_URL, VENDOR_API_KEY, OUTPUT_BUCKET; "+
		"missing database environment variables: DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_PASSWORD or DATABASE_IAM_AUTH "+
		"(set all of DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER and one of DATABASE_PASSWORD and DATABASE_IAM_AUTH=true to load into PostgreSQL, or none)", err.Error())
}

func TestDatabaseConfigNeverShowsThePassword(t *testing.T) {
	d := DatabaseConfig{Host: "db.example", Port: 5432, Name: "prices", User: "etl", Password: testDBPassword}
	c := Config{VendorURL: "https://v.example", APIKey: testKey, OutputBucket: "b-1", Database: &d}
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	log.Info("config", "config", c)
	log.Info("database", "database", d)
	for _, s := range []string{
		fmt.Sprint(d), fmt.Sprintf("%v %+v %s %#v", d, d, d, d), fmt.Sprintf("%v %+v %s %#v", &d, &d, &d, &d),
		fmt.Sprint(c), fmt.Sprintf("%v %+v %s", c, c, c), logs.String(),
	} {
		assert.NotContains(t, s, testDBPassword)
		assert.NotContains(t, s, testKey)
		assert.Contains(t, s, "db.example")
		assert.Contains(t, s, "redacted")
	}
	assert.Contains(t, logs.String(), `"database":{"host":"db.example","port":5432,"name":"prices","user":"etl","password":"(redacted)","iam_auth":false,"tls":"verify-full","table":"prices"}`)
	assert.Contains(t, fmt.Sprint(Config{}), "database=(none)")
}

func TestNewPostgresLoaderChecksTheConfig(t *testing.T) {
	_, err := NewPostgresLoader(DatabaseConfig{Password: testDBPassword, TLSMode: "prefer", Table: "Prices; DROP", MaxAttempts: 11, ConnectTimeout: -1, StatementTimeout: time.Microsecond})
	require.Error(t, err)
	for _, w := range []string{
		`database host (DATABASE_HOST) "" must be a host name or address`,
		"database port (DATABASE_PORT) 0 is not a port number between 1 and 65535",
		"database name (DATABASE_NAME) is required",
		"database user (DATABASE_USER) is required",
		`database TLSMode "prefer" is not "require", "verify-full" or "disable"`,
		`database Table "Prices; DROP" is not a lower-case SQL identifier`,
		"database MaxAttempts 11 is not between 1 and 10",
		"database ConnectTimeout -1ns is negative",
		"database StatementTimeout 1µs is below PostgreSQL's 1ms resolution",
	} {
		assert.ErrorContains(t, err, w)
	}
	assert.NotContains(t, err.Error(), testDBPassword)
	_, err = NewPostgresLoader(DatabaseConfig{Host: "h", Port: 1, Name: "n", User: "u"})
	assert.ErrorContains(t, err, "database password (DATABASE_PASSWORD) is required, or IAMAuth (DATABASE_IAM_AUTH)")
	_, err = NewPostgresLoader(DatabaseConfig{Host: "h", Port: 1, Name: "n", User: "u", IAMAuth: true})
	assert.ErrorContains(t, err, "database IAMAuth needs AuthToken (RDSIAMAuthToken)")
}

func TestConnConfigIsBuiltFromTheParts(t *testing.T) {
	// The PG... variables libpq and pgx read must not override the parts.
	t.Setenv("PGHOST", "evil.example")
	t.Setenv("PGPORT", "6543")
	t.Setenv("PGUSER", "mallory")
	t.Setenv("PGPASSWORD", "not-this-one")
	t.Setenv("PGDATABASE", "other")
	t.Setenv("PGOPTIONS", "-c statement_timeout=0")
	t.Setenv("PGAPPNAME", "other")

	base := DatabaseConfig{Host: "prices.abc123.eu-west-1.rds.amazonaws.com", Port: 5432, Name: "prices", User: "etl", Password: testDBPassword}
	d, err := base.resolved()
	require.NoError(t, err)
	cc, err := d.connConfig()
	require.NoError(t, err)
	assert.Equal(t, [5]string{base.Host, "5432", "prices", "etl", testDBPassword},
		[5]string{cc.Host, fmt.Sprint(cc.Port), cc.Database, cc.User, cc.Password})
	assert.Empty(t, cc.Fallbacks, "no other host, no fallback without TLS")
	// sslmode=verify-full against the embedded RDS CA bundle by default.
	require.NotNil(t, cc.TLSConfig, "sslmode=verify-full")
	assert.False(t, cc.TLSConfig.InsecureSkipVerify)
	assert.Equal(t, base.Host, cc.TLSConfig.ServerName)
	require.NotNil(t, cc.TLSConfig.RootCAs)
	assert.True(t, cc.TLSConfig.RootCAs.Equal(RDSRootCAs()), "the RDS CA bundle")
	assert.Equal(t, DefaultConnectTimeout, cc.ConnectTimeout)
	assert.Equal(t, map[string]string{
		"application_name": "etljob", "statement_timeout": "300000", "idle_in_transaction_session_timeout": "300000", "TimeZone": "UTC",
	}, cc.RuntimeParams)

	pool := x509.NewCertPool()
	base.TLSMode, base.RootCAs, base.StatementTimeout = TLSVerifyFull, pool, 90*time.Second
	d, err = base.resolved()
	require.NoError(t, err)
	cc, err = d.connConfig()
	require.NoError(t, err)
	require.NotNil(t, cc.TLSConfig)
	assert.False(t, cc.TLSConfig.InsecureSkipVerify)
	assert.Same(t, pool, cc.TLSConfig.RootCAs)
	assert.Equal(t, base.Host, cc.TLSConfig.ServerName)
	assert.Equal(t, "90000", cc.RuntimeParams["statement_timeout"])

	base.TLSMode = TLSDisable
	d, err = base.resolved()
	require.NoError(t, err)
	cc, err = d.connConfig()
	require.NoError(t, err)
	assert.Nil(t, cc.TLSConfig)
	assert.Empty(t, cc.Fallbacks)
}

func TestDatabaseResolvedDefaults(t *testing.T) {
	d, err := DatabaseConfig{Host: "h", Port: 1, Name: "n", User: "u", Password: "p"}.resolved()
	require.NoError(t, err)
	assert.Equal(t, TLSVerifyFull, d.TLSMode)
	assert.NotNil(t, d.RootCAs)
	assert.Equal(t, DefaultDatabaseTable, d.Table)
	assert.Equal(t, [4]time.Duration{DefaultConnectTimeout, DefaultStatementTimeout, DefaultAttemptTimeout, DefaultLoadBackoff},
		[4]time.Duration{d.ConnectTimeout, d.StatementTimeout, d.AttemptTimeout, d.RetryBackoff})
	assert.Equal(t, DefaultLoadAttempts, d.MaxAttempts)
	assert.NotNil(t, d.Sleep)
	assert.NotNil(t, d.Log)
}

// The embedded RDS CA bundle holds only Amazon RDS certificate
// authorities, among them the reference Region's current roots.
func TestRDSRootCAsBundle(t *testing.T) {
	rest := rdsCABundle
	subjects := map[string]bool{}
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		require.NoError(t, err)
		assert.Equal(t, []string{"Amazon Web Services, Inc."}, cert.Issuer.Organization, cert.Subject.CommonName)
		assert.Equal(t, []string{"Amazon RDS"}, cert.Issuer.OrganizationalUnit, cert.Subject.CommonName)
		assert.True(t, cert.IsCA, cert.Subject.CommonName)
		subjects[cert.Subject.CommonName] = true
	}
	assert.Len(t, subjects, 115)
	for _, cn := range []string{"Amazon RDS eu-west-1 Root CA RSA2048 G1", "Amazon RDS eu-west-1 Root CA RSA4096 G1", "Amazon RDS eu-west-1 Root CA ECC384 G1"} {
		assert.True(t, subjects[cn], cn)
	}
	assert.NotNil(t, RDSRootCAs())
}

// IAM authentication: DATABASE_IAM_AUTH instead of a password; each
// connection gets a fresh token from AuthToken, never logged.
func TestDatabaseIAMAuth(t *testing.T) {
	e := allDatabaseEnv()
	delete(e, EnvDatabasePassword)
	e[EnvDatabaseIAMAuth] = "true"
	c, err := ConfigFromEnv(env(baseEnv(e)))
	require.NoError(t, err)
	require.NotNil(t, c.Database)
	assert.True(t, c.Database.IAMAuth)
	assert.Empty(t, c.Database.Password)

	d := *c.Database
	d.AuthToken = RDSIAMAuthToken(d.Host, d.Port, "eu-west-1", d.User, credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret-key-example", ""))
	tok, err := d.AuthToken(context.Background())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(tok, d.Host+":5432?Action=connect&DBUser="+d.User), tok)
	assert.Contains(t, tok, "X-Amz-Signature=")

	var tokens []string
	d.AuthToken = func(context.Context) (string, error) {
		tokens = append(tokens, fmt.Sprintf("token-%d", len(tokens)))
		return tokens[len(tokens)-1], nil
	}
	l, err := NewPostgresLoader(d)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _ = l.connect(ctx)
	_, _ = l.connect(ctx)
	assert.Equal(t, []string{"token-0", "token-1"}, tokens, "one token per connection")

	_, err = RDSIAMAuthToken("h", 5432, "", "u", nil)(context.Background())
	assert.ErrorContains(t, err, "no AWS Region")
}
