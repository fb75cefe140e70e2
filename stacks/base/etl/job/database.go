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
	// not against an active man in the middle inside the VPC. Only when
	// set explicitly; ConfigFromEnv never sets it.
	TLSRequire TLSMode = "require"
	// TLSVerifyFull encrypts and verifies the server's certificate against
	// DatabaseConfig.RootCAs (the RDS CA bundle embedded in the program
	// when nil, see RDSRootCAs) and its name against Host
	// (sslmode=verify-full). The default.
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
	// User is the user the job connects as: on RDS a user of the job's
	// own with IAM authentication (rds_iam) and only the privileges the
	// load needs, not the master user.
	User string
	// Password is User's password; empty with IAMAuth. It is never logged
	// nor put in an error.
	Password string
	// IAMAuth connects with an RDS IAM authentication token as the
	// password, built by AuthToken for each connection, instead of
	// Password.
	// Default: false
	IAMAuth bool
	// AuthToken builds the password of each connection under IAMAuth
	// (RDSIAMAuthToken). Required with IAMAuth. Its tokens are never
	// logged nor put in an error.
	AuthToken func(ctx context.Context) (string, error)
	// TLSMode is TLSRequire, TLSVerifyFull or TLSDisable.
	// Default: TLSVerifyFull
	TLSMode TLSMode
	// RootCAs verifies the server's certificate with TLSVerifyFull.
	// Default: - the RDS CA bundle embedded in the program (RDSRootCAs)
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
	return fmt.Sprintf("host=%s port=%d name=%s user=%s password=%s iam_auth=%t tls=%s table=%s",
		d.Host, d.Port, d.Name, d.User, redacted(d.Password), d.IAMAuth, d.tlsMode(), d.table())
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
		slog.Bool("iam_auth", d.IAMAuth),
		slog.String("tls", string(d.tlsMode())),
		slog.String("table", d.table()),
	)
}

func (d DatabaseConfig) tlsMode() TLSMode {
	if d.TLSMode == "" {
		return TLSVerifyFull
	}
	return d.TLSMode
}

func (d DatabaseConfig) table() string {
	if d.Table == "" {
		return DefaultDatabaseTable
	}
	return d.Table
}

// databaseEnv are the database variables, in the order errors list them:
// these four, and one of the credentials DATABASE_PASSWORD and
// DATABASE_IAM_AUTH.
var databaseEnv = []string{EnvDatabaseHost, EnvDatabasePort, EnvDatabaseName, EnvDatabaseUser}

// databaseFromEnv reads the DATABASE_... variables: nil without error when
// none is set; one error naming the missing ones when only some are. The
// password's value never appears in an error.
func databaseFromEnv(getenv func(string) string) (*DatabaseConfig, []string) {
	values := map[string]string{}
	var missing []string
	for _, name := range databaseEnv {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			missing = append(missing, name)
		}
		values[name] = v
	}
	password := getenv(EnvDatabasePassword)
	iam := strings.TrimSpace(getenv(EnvDatabaseIAMAuth))
	caFile := strings.TrimSpace(getenv(EnvDatabaseCAFile))
	if len(missing) == len(databaseEnv) && password == "" && iam == "" && caFile == "" {
		return nil, nil
	}
	if password == "" && iam == "" {
		missing = append(missing, EnvDatabasePassword+" or "+EnvDatabaseIAMAuth)
	}
	if len(missing) > 0 {
		return nil, []string{fmt.Sprintf("missing database environment variables: %s (set all of %s and one of %s and %s=true to load into PostgreSQL, or none)",
			strings.Join(missing, ", "), strings.Join(databaseEnv, ", "), EnvDatabasePassword, EnvDatabaseIAMAuth)}
	}
	var errs []string
	port, err := strconv.Atoi(values[EnvDatabasePort])
	if err != nil || port < 1 || port > 65535 {
		errs = append(errs, fmt.Sprintf("%s %q is not a port number between 1 and 65535", EnvDatabasePort, values[EnvDatabasePort]))
	}
	useIAM := false
	var iamErr error
	if iam != "" {
		if useIAM, iamErr = strconv.ParseBool(iam); iamErr != nil {
			errs = append(errs, fmt.Sprintf("%s %q is not true or false", EnvDatabaseIAMAuth, iam))
		}
	}
	switch {
	case useIAM && password != "":
		errs = append(errs, fmt.Sprintf("%s and %s=true are both set: set one, IAM authentication needs no password", EnvDatabasePassword, EnvDatabaseIAMAuth))
	case !useIAM && password == "" && iamErr == nil:
		errs = append(errs, fmt.Sprintf("%s is false and %s is unset; set one of them", EnvDatabaseIAMAuth, EnvDatabasePassword))
	}
	var roots *x509.CertPool
	if caFile != "" {
		if roots, err = LoadRootCAs(caFile); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", EnvDatabaseCAFile, err))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &DatabaseConfig{
		Host:     values[EnvDatabaseHost],
		Port:     port,
		Name:     values[EnvDatabaseName],
		User:     values[EnvDatabaseUser],
		Password: password,
		IAMAuth:  useIAM,
		RootCAs:  roots,
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
	switch {
	case d.IAMAuth && d.Password != "":
		errs = append(errs, "database password ("+EnvDatabasePassword+") and IAMAuth ("+EnvDatabaseIAMAuth+") are both set; set one")
	case !d.IAMAuth && d.Password == "":
		errs = append(errs, "database password ("+EnvDatabasePassword+") is required, or IAMAuth ("+EnvDatabaseIAMAuth+")")
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
	errs := d.check()
	if d.IAMAuth && d.AuthToken == nil {
		errs = append(errs, "database IAMAuth needs AuthToken (RDSIAMAuthToken)")
	}
	if len(errs) > 0 {
		return d, fmt.Errorf("invalid database configuration: %s", strings.Join(errs, "; "))
	}
	d.TLSMode = d.tlsMode()
	if d.TLSMode == TLSVerifyFull && d.RootCAs == nil {
		d.RootCAs = RDSRootCAs()
	}
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
