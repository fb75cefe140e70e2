package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Environment variables read by ConfigFromEnv. The stack sets them on the
// task definition; VENDOR_API_KEY, DATABASE_USER and DATABASE_PASSWORD come
// from Secrets Manager as ECS secrets.
const (
	// EnvVendorURL is the vendor API's base URL (https://). Required.
	EnvVendorURL = "VENDOR_URL"
	// EnvVendorAPIKey is the vendor API key, sent as X-API-Key. Required.
	EnvVendorAPIKey = "VENDOR_API_KEY"
	// EnvOutputBucket is the bucket the job writes to. Required.
	EnvOutputBucket = "OUTPUT_BUCKET"
	// EnvOutputPrefix is the key prefix of the output. Default: prices
	EnvOutputPrefix = "OUTPUT_PREFIX"
	// EnvScheduledTime is the invocation's scheduled time in RFC 3339; the
	// job processes the hour before the hour containing it.
	// Default: - the current time
	EnvScheduledTime = "SCHEDULED_TIME"
	// EnvPageSize is the vendor page size, 1..1000. Default: 500
	EnvPageSize = "PAGE_SIZE"
	// EnvMaxAttempts is the number of attempts per vendor page. Default: 5
	EnvMaxAttempts = "MAX_ATTEMPTS"
	// EnvMaxRejectRatio is the largest tolerated fraction of invalid
	// records, 0..1. Default: 0.05
	EnvMaxRejectRatio = "MAX_REJECT_RATIO"

	// The database variables are all set (the run loads each window into
	// PostgreSQL, see Config.Database) or all unset (S3 only); some
	// without the others is a configuration error. The etljob stack sets
	// them, under the same names, when it creates the database.

	// EnvDatabaseHost is the PostgreSQL host name (the RDS endpoint
	// address, without the port).
	EnvDatabaseHost = "DATABASE_HOST"
	// EnvDatabasePort is the PostgreSQL port, 1..65535 (5432 on RDS).
	EnvDatabasePort = "DATABASE_PORT"
	// EnvDatabaseName is the database to load into.
	EnvDatabaseName = "DATABASE_NAME"
	// EnvDatabaseUser is the user the job connects as: the etljob stack
	// sets its own IAM-authenticated user (etl.DatabaseUser).
	EnvDatabaseUser = "DATABASE_USER"
	// EnvDatabasePassword is that user's password, for a user that logs in
	// with one (an ECS secret); unset with DATABASE_IAM_AUTH. Never logged
	// nor put in an error.
	EnvDatabasePassword = "DATABASE_PASSWORD"
	// EnvDatabaseIAMAuth, "true", connects with an RDS IAM authentication
	// token built for each connection (the task role's credentials,
	// AWS_REGION) instead of DATABASE_PASSWORD; exactly one of the two.
	EnvDatabaseIAMAuth = "DATABASE_IAM_AUTH"
	// EnvDatabaseCAFile is a PEM file of certificate authorities that
	// replaces the RDS CA bundle embedded in the program for verifying the
	// server (sslmode=verify-full).
	EnvDatabaseCAFile = "DATABASE_CA_FILE"
)

// Defaults for Config fields left zero.
const (
	DefaultOutputPrefix   = "prices"
	DefaultPageSize       = 500
	MaxPageSize           = 1000
	DefaultMaxAttempts    = 5
	DefaultMaxRejectRatio = 0.05
	DefaultRecordsPerPart = 100_000
	DefaultMaxRecords     = 2_000_000
	DefaultBackoffBase    = time.Second
	DefaultBackoffMax     = 30 * time.Second
	DefaultMaxRetryAfter  = 5 * time.Minute
	DefaultHTTPTimeout    = time.Minute
	// MaxPageBytes bounds one vendor response body.
	MaxPageBytes = 64 << 20
	// maxParts is what the five digits of part-NNNNN allow.
	maxParts = 100_000
	// maxAttemptsLimit bounds MaxAttempts.
	maxAttemptsLimit = 20
)

// Config is the job's configuration. ConfigFromEnv fills the settings from
// the environment; the caller adds the collaborators (S3 at least).
type Config struct {
	// VendorURL is the vendor API's base URL; requests go to
	// {VendorURL}/v1/prices. It must be https:// unless AllowHTTP is set.
	VendorURL string
	// APIKey is sent as the X-API-Key header. It is never logged.
	APIKey string
	// AllowHTTP permits an http:// VendorURL, for tests against a local
	// server. ConfigFromEnv never sets it.
	AllowHTTP bool
	// OutputBucket receives the output.
	OutputBucket string
	// OutputPrefix is the key prefix: records go under <prefix>/ and
	// rejects under <prefix>-rejects/. Leading and trailing slashes are
	// ignored.
	// Default: prices
	OutputPrefix string
	// ScheduledTime selects the window: the hour before the hour containing
	// it.
	// Default: - Now()
	ScheduledTime time.Time
	// PageSize is the vendor page size (limit), 1..1000.
	// Default: 500
	PageSize int
	// MaxAttempts is the number of attempts per vendor page, 1..20.
	// Default: 5
	MaxAttempts int
	// MaxRejectRatio is the largest fraction of invalid records, 0..1, that
	// still makes a partition; above it the run fails. A pointer because 0
	// (no reject tolerated) is meaningful.
	// Default: 0.05
	MaxRejectRatio *float64
	// RecordsPerPart is the number of records per part object.
	// Default: 100000
	RecordsPerPart int
	// MaxRecords caps the records read for one window (they are all held in
	// memory).
	// Default: 2000000
	MaxRecords int
	// BackoffBase is the first retry delay without Retry-After; it doubles
	// per attempt.
	// Default: 1s
	BackoffBase time.Duration
	// BackoffMax caps the exponential backoff.
	// Default: 30s
	BackoffMax time.Duration
	// MaxRetryAfter caps the wait a vendor's Retry-After can ask for.
	// Default: 5m
	MaxRetryAfter time.Duration
	// Database, when set, says the run also loads each window into
	// PostgreSQL; ConfigFromEnv sets it when the DATABASE_... variables
	// are. The load itself is done by Loader, which the caller builds from
	// it with NewPostgresLoader: a Config with Database but no Loader is
	// invalid.
	// Default: - S3 only
	Database *DatabaseConfig

	// HTTPClient calls the vendor.
	// Default: - a client with a one-minute timeout
	HTTPClient *http.Client
	// S3 writes the output. Required.
	S3 S3API
	// Loader, when set, loads each window's records (into PostgreSQL with
	// NewPostgresLoader) after the parts and the rejects are written and
	// before the manifest. Required when Database is set.
	// Default: - no load
	Loader Loader
	// Now is the clock.
	// Default: time.Now
	Now func() time.Time
	// Sleep waits d or until ctx is done.
	// Default: - a timer that stops early with ctx.Err()
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a random number in [0, 1) for the backoff.
	// Default: math/rand/v2.Float64
	Jitter func() float64
	// Log receives the job's structured log.
	// Default: slog.Default()
	Log *slog.Logger
}

// RejectRatio returns a pointer to r, for Config.MaxRejectRatio.
func RejectRatio(r float64) *float64 { return &r }

// String describes the settings without the API key and the database
// password, so that printing a Config never leaks them.
func (c Config) String() string {
	return fmt.Sprintf("vendor=%s key=%s bucket=%s prefix=%s scheduled=%s page_size=%d max_attempts=%d max_reject_ratio=%s database=%s",
		c.VendorURL, redacted(c.APIKey), c.OutputBucket, c.OutputPrefix, c.scheduledString(), c.PageSize, c.MaxAttempts, c.ratioString(), c.databaseString())
}

func (c Config) databaseString() string {
	if c.Database == nil {
		return "(none)"
	}
	return "{" + c.Database.String() + "}"
}

// LogValue logs the settings without the API key and the database
// password.
func (c Config) LogValue() slog.Value {
	db := slog.String("database", "(none)")
	if c.Database != nil {
		db = slog.Any("database", *c.Database)
	}
	return slog.GroupValue(
		slog.String("vendor_url", c.VendorURL),
		slog.String("api_key", redacted(c.APIKey)),
		slog.String("bucket", c.OutputBucket),
		slog.String("prefix", c.OutputPrefix),
		slog.String("scheduled_time", c.scheduledString()),
		slog.Int("page_size", c.PageSize),
		slog.Int("max_attempts", c.MaxAttempts),
		slog.String("max_reject_ratio", c.ratioString()),
		slog.Int("records_per_part", c.RecordsPerPart),
		slog.Int("max_records", c.MaxRecords),
		db,
	)
}

func redacted(key string) string {
	if key == "" {
		return "(unset)"
	}
	return "(redacted)"
}

func (c Config) scheduledString() string {
	if c.ScheduledTime.IsZero() {
		return "(now)"
	}
	return c.ScheduledTime.Format(time.RFC3339Nano)
}

func (c Config) ratioString() string {
	if c.MaxRejectRatio == nil {
		return "(default)"
	}
	return strconv.FormatFloat(*c.MaxRejectRatio, 'g', -1, 64)
}

// ConfigFromEnv reads the Env... variables through getenv (os.Getenv in the
// binary). Every missing required variable is listed in one error, joined
// with every invalid value; the API key's value never appears in an error.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		VendorURL:    strings.TrimSpace(getenv(EnvVendorURL)),
		APIKey:       getenv(EnvVendorAPIKey),
		OutputBucket: strings.TrimSpace(getenv(EnvOutputBucket)),
		OutputPrefix: strings.TrimSpace(getenv(EnvOutputPrefix)),
	}
	var errs, missing []string
	for _, req := range []struct{ name, value string }{
		{EnvVendorURL, c.VendorURL}, {EnvVendorAPIKey, c.APIKey}, {EnvOutputBucket, c.OutputBucket},
	} {
		if req.value == "" {
			missing = append(missing, req.name)
		}
	}
	if len(missing) > 0 {
		errs = append(errs, "missing required environment variables: "+strings.Join(missing, ", "))
	}
	if v := strings.TrimSpace(getenv(EnvScheduledTime)); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s %q is not an RFC 3339 time like 2026-11-22T10:00:05Z", EnvScheduledTime, v))
		}
		c.ScheduledTime = t
	}
	for _, n := range []struct {
		name     string
		dst      *int
		min, max int
	}{
		{EnvPageSize, &c.PageSize, 1, MaxPageSize},
		{EnvMaxAttempts, &c.MaxAttempts, 1, maxAttemptsLimit},
	} {
		v := strings.TrimSpace(getenv(n.name))
		if v == "" {
			continue
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < n.min || i > n.max {
			errs = append(errs, fmt.Sprintf("%s %q is not an integer between %d and %d", n.name, v, n.min, n.max))
			continue
		}
		*n.dst = i
	}
	if v := strings.TrimSpace(getenv(EnvMaxRejectRatio)); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || !(r >= 0 && r <= 1) {
			errs = append(errs, fmt.Sprintf("%s %q is not a fraction between 0 and 1 (0.05 is 5%%)", EnvMaxRejectRatio, v))
		} else {
			c.MaxRejectRatio = &r
		}
	}
	db, dbErrs := databaseFromEnv(getenv)
	c.Database = db
	errs = append(errs, dbErrs...)
	// Check the values that are present; the missing ones are reported above.
	errs = append(errs, c.checkSettings(false)...)
	if len(errs) > 0 {
		return c, errors.New(strings.Join(errs, "; "))
	}
	return c, nil
}

var (
	prefixRE = regexp.MustCompile(`^[A-Za-z0-9!_.*'()/=-]+$`)
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// checkSettings validates the settings (not the collaborators). With
// requireAll false, empty required settings are not reported.
func (c *Config) checkSettings(requireAll bool) []string {
	var errs []string
	if c.VendorURL == "" {
		if requireAll {
			errs = append(errs, "VendorURL ("+EnvVendorURL+") is required")
		}
	} else if err := checkVendorURL(c.VendorURL, c.AllowHTTP); err != nil {
		errs = append(errs, err.Error())
	}
	if c.APIKey == "" {
		if requireAll {
			errs = append(errs, "APIKey ("+EnvVendorAPIKey+") is required")
		}
	} else if strings.TrimSpace(c.APIKey) != c.APIKey || strings.ContainsFunc(c.APIKey, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		// The value is deliberately not shown.
		errs = append(errs, fmt.Sprintf("%s (%d characters) must be printable ASCII without spaces", EnvVendorAPIKey, len(c.APIKey)))
	}
	if c.OutputBucket == "" {
		if requireAll {
			errs = append(errs, "OutputBucket ("+EnvOutputBucket+") is required")
		}
	} else if !bucketRE.MatchString(c.OutputBucket) {
		errs = append(errs, fmt.Sprintf("%s %q is not an S3 bucket name", EnvOutputBucket, c.OutputBucket))
	}
	if p := strings.Trim(c.OutputPrefix, "/"); p != "" {
		bad := !prefixRE.MatchString(p) || strings.Contains(p, "//")
		for _, seg := range strings.Split(p, "/") {
			bad = bad || seg == "." || seg == ".."
		}
		if bad {
			errs = append(errs, fmt.Sprintf("%s %q must be letters, digits and !_.*'()=- separated by single slashes", EnvOutputPrefix, c.OutputPrefix))
		}
	}
	if c.PageSize < 0 || c.PageSize > MaxPageSize {
		errs = append(errs, fmt.Sprintf("PageSize %d is not between 1 and %d", c.PageSize, MaxPageSize))
	}
	if c.MaxAttempts < 0 || c.MaxAttempts > maxAttemptsLimit {
		errs = append(errs, fmt.Sprintf("MaxAttempts %d is not between 1 and %d", c.MaxAttempts, maxAttemptsLimit))
	}
	if r := c.MaxRejectRatio; r != nil && !(*r >= 0 && *r <= 1) {
		errs = append(errs, fmt.Sprintf("MaxRejectRatio %v is not between 0 and 1", *r))
	}
	if c.RecordsPerPart < 0 {
		errs = append(errs, fmt.Sprintf("RecordsPerPart %d is negative", c.RecordsPerPart))
	}
	if c.MaxRecords < 0 {
		errs = append(errs, fmt.Sprintf("MaxRecords %d is negative", c.MaxRecords))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"BackoffBase", c.BackoffBase}, {"BackoffMax", c.BackoffMax}, {"MaxRetryAfter", c.MaxRetryAfter}} {
		if d.v < 0 {
			errs = append(errs, fmt.Sprintf("%s %s is negative", d.name, d.v))
		}
	}
	if c.Database != nil {
		errs = append(errs, c.Database.check()...)
	}
	return errs
}

func checkVendorURL(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s %q is not an absolute URL like https://api.vendor.example", EnvVendorURL, shownURL(raw))
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowHTTP:
	default:
		return fmt.Errorf("%s %q must be an https:// URL", EnvVendorURL, shownURL(raw))
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return fmt.Errorf("%s %q must not carry credentials, a query or a fragment (the key goes in %s)", EnvVendorURL, shownURL(raw), EnvVendorAPIKey)
	}
	return nil
}

// shownURL is raw without what could hold a secret: user information, the
// query and the fragment.
func shownURL(raw string) string {
	s, _, _ := strings.Cut(raw, "?")
	s, _, _ = strings.Cut(s, "#")
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			s = scheme + "://" + rest[at+1:]
		}
	}
	return s
}

// resolved returns c with defaults filled, or every problem joined.
func (c Config) resolved() (Config, error) {
	errs := c.checkSettings(true)
	if c.S3 == nil {
		errs = append(errs, "S3 client is required")
	}
	if c.Database != nil && c.Loader == nil {
		errs = append(errs, "Database is set but Loader is not: build it with NewPostgresLoader(*cfg.Database)")
	}
	if len(errs) > 0 {
		return c, errors.New("invalid configuration: " + strings.Join(errs, "; "))
	}
	c.VendorURL = strings.TrimRight(c.VendorURL, "/")
	c.OutputPrefix = strings.Trim(c.OutputPrefix, "/")
	if c.OutputPrefix == "" {
		c.OutputPrefix = DefaultOutputPrefix
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.PageSize, DefaultPageSize)
	def(&c.MaxAttempts, DefaultMaxAttempts)
	def(&c.RecordsPerPart, DefaultRecordsPerPart)
	def(&c.MaxRecords, DefaultMaxRecords)
	if c.MaxRejectRatio == nil {
		c.MaxRejectRatio = RejectRatio(DefaultMaxRejectRatio)
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	defD(&c.BackoffBase, DefaultBackoffBase)
	defD(&c.BackoffMax, DefaultBackoffMax)
	defD(&c.MaxRetryAfter, DefaultMaxRetryAfter)
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	c.HTTPClient = sameHostRedirects(c.HTTPClient)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.Jitter == nil {
		c.Jitter = rand.Float64
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Window is a half-open interval [From, To) of UTC time.
type Window struct {
	From, To time.Time
}

// WindowFor returns the full UTC hour before the hour containing t:
// 10:00:05Z gives [09:00, 10:00), and so does 10:59:59Z.
func WindowFor(t time.Time) Window {
	to := t.UTC().Truncate(time.Hour)
	return Window{From: to.Add(-time.Hour), To: to}
}

// Contains reports whether t is in [From, To).
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.From) && t.Before(w.To)
}

// String is "[from, to)" in RFC 3339.
func (w Window) String() string {
	return "[" + w.From.Format(time.RFC3339) + ", " + w.To.Format(time.RFC3339) + ")"
}
