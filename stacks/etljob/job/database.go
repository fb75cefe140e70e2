package job

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// TLSMode says how the loader protects its connection to PostgreSQL; the
// names are libpq's sslmode values.
type TLSMode string

const (
	// TLSRequire encrypts the connection without verifying the server's
	// certificate (sslmode=require): it protects against eavesdropping,
	// not against an active man in the middle inside the VPC. The
	// default, because verifying an RDS certificate needs the RDS CA
	// bundle, which the distroless image does not carry.
	TLSRequire TLSMode = "require"
	// TLSVerifyFull encrypts and verifies the server's certificate against
	// DatabaseConfig.RootCAs (the system pool when nil) and its name
	// against Host (sslmode=verify-full). For RDS, RootCAs must hold the
	// RDS CA bundle (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem).
	TLSVerifyFull TLSMode = "verify-full"
	// TLSDisable connects in clear text, for tests against a local server.
	// ConfigFromEnv never sets it; RDS with rds.force_ssl=1 refuses it.
	TLSDisable TLSMode = "disable"
)

// Defaults for DatabaseConfig fields left zero.
const (
	DefaultDatabaseTable    = "prices"
	DefaultConnectTimeout   = 15 * time.Second
	DefaultStatementTimeout = 5 * time.Minute
	DefaultAttemptTimeout   = 15 * time.Minute
	DefaultLoadAttempts     = 3
	DefaultLoadBackoff      = 2 * time.Second
	// maxLoadAttempts bounds DatabaseConfig.MaxAttempts.
	maxLoadAttempts = 10
)

// DatabaseConfig is where and how the job loads its windows into
// PostgreSQL (see NewPostgresLoader). ConfigFromEnv fills Host, Port,
// Name, User and Password from the DATABASE_... variables; everything
// else has a default. Printing or logging it never shows the password.
type DatabaseConfig struct {
	// Host is the server's host name or address (the RDS endpoint
	// address).
	Host string
	// Port is the server's port, 1..65535.
	Port int
	// Name is the database.
	Name string
	// User is the user the job connects as.
	User string
	// Password is User's password. It is never logged nor put in an
	// error.
	Password string
	// TLSMode is TLSRequire, TLSVerifyFull or TLSDisable.
	// Default: TLSRequire
	TLSMode TLSMode
	// RootCAs verifies the server's certificate with TLSVerifyFull.
	// Default: - the system's roots, which do not hold the RDS CAs
	RootCAs *x509.CertPool
	// Table is the table the windows are loaded into, created on first use
	// in the user's default schema; a lower-case SQL identifier.
	// Default: prices
	Table string
	// ConnectTimeout bounds establishing a connection (TCP, TLS and
	// authentication).
	// Default: 15s
	ConnectTimeout time.Duration
	// StatementTimeout is the session's statement_timeout: it bounds each
	// statement, waiting for the window's lock included. The session's
	// idle_in_transaction_session_timeout is the same, so a stuck client
	// cannot hold the window's lock.
	// Default: 5m
	StatementTimeout time.Duration
	// AttemptTimeout bounds one attempt (connect, transaction, commit) on
	// the client side, should the network stop answering.
	// Default: 15m
	AttemptTimeout time.Duration
	// MaxAttempts is the number of attempts of the window's transaction,
	// 1..10; see NewPostgresLoader for what is retried.
	// Default: 3
	MaxAttempts int
	// RetryBackoff is the wait before the second attempt; it doubles per
	// attempt.
	// Default: 2s
	RetryBackoff time.Duration

	// Sleep waits d or until ctx is done.
	// Default: - a timer that stops early with ctx.Err()
	Sleep func(ctx context.Context, d time.Duration) error
	// Log receives the loader's structured log.
	// Default: slog.Default()
	Log *slog.Logger
}

// String describes the settings without the password.
func (d DatabaseConfig) String() string {
	return fmt.Sprintf("host=%s port=%d name=%s user=%s password=%s tls=%s table=%s",
		d.Host, d.Port, d.Name, d.User, redacted(d.Password), d.tlsMode(), d.table())
}

// GoString is String, so that %#v does not show the password either.
func (d DatabaseConfig) GoString() string { return "job.DatabaseConfig{" + d.String() + "}" }

// LogValue logs the settings without the password.
func (d DatabaseConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", d.Host),
		slog.Int("port", d.Port),
		slog.String("name", d.Name),
		slog.String("user", d.User),
		slog.String("password", redacted(d.Password)),
		slog.String("tls", string(d.tlsMode())),
		slog.String("table", d.table()),
	)
}

func (d DatabaseConfig) tlsMode() TLSMode {
	if d.TLSMode == "" {
		return TLSRequire
	}
	return d.TLSMode
}

func (d DatabaseConfig) table() string {
	if d.Table == "" {
		return DefaultDatabaseTable
	}
	return d.Table
}

// databaseEnv are the database variables, in the order errors list them.
var databaseEnv = []string{EnvDatabaseHost, EnvDatabasePort, EnvDatabaseName, EnvDatabaseUser, EnvDatabasePassword}

// databaseFromEnv reads the DATABASE_... variables: nil without error when
// none is set; one error naming the missing ones when only some are. The
// password's value never appears in an error.
func databaseFromEnv(getenv func(string) string) (*DatabaseConfig, []string) {
	values := map[string]string{}
	var missing []string
	for _, name := range databaseEnv {
		v := getenv(name)
		if name != EnvDatabasePassword {
			v = strings.TrimSpace(v)
		}
		if v == "" {
			missing = append(missing, name)
		}
		values[name] = v
	}
	switch len(missing) {
	case len(databaseEnv):
		return nil, nil
	case 0:
	default:
		return nil, []string{fmt.Sprintf("missing database environment variables: %s (set all of %s to load into PostgreSQL, or none)",
			strings.Join(missing, ", "), strings.Join(databaseEnv, ", "))}
	}
	port, err := strconv.Atoi(values[EnvDatabasePort])
	if err != nil || port < 1 || port > 65535 {
		return nil, []string{fmt.Sprintf("%s %q is not a port number between 1 and 65535", EnvDatabasePort, values[EnvDatabasePort])}
	}
	return &DatabaseConfig{
		Host:     values[EnvDatabaseHost],
		Port:     port,
		Name:     values[EnvDatabaseName],
		User:     values[EnvDatabaseUser],
		Password: values[EnvDatabasePassword],
	}, nil
}

var tableRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// check validates the settings; it never shows the password.
func (d *DatabaseConfig) check() []string {
	var errs []string
	hasSpace := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
	}
	if d.Host == "" || hasSpace(d.Host) {
		errs = append(errs, fmt.Sprintf("database host (%s) %q must be a host name or address", EnvDatabaseHost, d.Host))
	}
	if d.Port < 1 || d.Port > 65535 {
		errs = append(errs, fmt.Sprintf("database port (%s) %d is not a port number between 1 and 65535", EnvDatabasePort, d.Port))
	}
	if d.Name == "" {
		errs = append(errs, "database name ("+EnvDatabaseName+") is required")
	}
	if d.User == "" {
		errs = append(errs, "database user ("+EnvDatabaseUser+") is required")
	}
	if d.Password == "" {
		errs = append(errs, "database password ("+EnvDatabasePassword+") is required")
	}
	switch d.tlsMode() {
	case TLSRequire, TLSVerifyFull, TLSDisable:
	default:
		errs = append(errs, fmt.Sprintf("database TLSMode %q is not %q, %q or %q", d.TLSMode, TLSRequire, TLSVerifyFull, TLSDisable))
	}
	if !tableRE.MatchString(d.table()) {
		errs = append(errs, fmt.Sprintf("database Table %q is not a lower-case SQL identifier", d.Table))
	}
	for _, v := range []struct {
		name string
		d    time.Duration
	}{{"ConnectTimeout", d.ConnectTimeout}, {"StatementTimeout", d.StatementTimeout}, {"AttemptTimeout", d.AttemptTimeout}, {"RetryBackoff", d.RetryBackoff}} {
		if v.d < 0 {
			errs = append(errs, fmt.Sprintf("database %s %s is negative", v.name, v.d))
		}
	}
	if d.StatementTimeout > 0 && d.StatementTimeout < time.Millisecond {
		errs = append(errs, fmt.Sprintf("database StatementTimeout %s is below PostgreSQL's 1ms resolution", d.StatementTimeout))
	}
	if d.MaxAttempts < 0 || d.MaxAttempts > maxLoadAttempts {
		errs = append(errs, fmt.Sprintf("database MaxAttempts %d is not between 1 and %d", d.MaxAttempts, maxLoadAttempts))
	}
	return errs
}

// resolved returns d with defaults filled, or every problem joined.
func (d DatabaseConfig) resolved() (DatabaseConfig, error) {
	if errs := d.check(); len(errs) > 0 {
		return d, fmt.Errorf("invalid database configuration: %s", strings.Join(errs, "; "))
	}
	d.TLSMode = d.tlsMode()
	d.Table = d.table()
	def := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	def(&d.ConnectTimeout, DefaultConnectTimeout)
	def(&d.StatementTimeout, DefaultStatementTimeout)
	def(&d.AttemptTimeout, DefaultAttemptTimeout)
	def(&d.RetryBackoff, DefaultLoadBackoff)
	if d.MaxAttempts == 0 {
		d.MaxAttempts = DefaultLoadAttempts
	}
	if d.Sleep == nil {
		d.Sleep = sleep
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return d, nil
}
