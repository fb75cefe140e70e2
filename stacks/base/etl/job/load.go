package job

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Loader loads one window's cleaned records into a database. Run calls it
// once per window it processes, after the parts and the rejects are
// written and before the manifest; an error fails the run, which then
// writes no manifest, so the next run redoes the window and loads it
// again. LoadWindow must therefore replace the window's previous load
// exactly: after it returns nil the database holds exactly records for w,
// whatever an earlier (possibly failed) load of w left.
type Loader interface {
	LoadWindow(ctx context.Context, w Window, records []Record) error
}

// PostgresLoader loads windows into a PostgreSQL table; see
// NewPostgresLoader.
type PostgresLoader struct {
	cfg DatabaseConfig
	// connect opens a connection; a seam over pgx.ConnectConfig.
	connect func(ctx context.Context) (dbConn, error)
}

// dbConn is the part of *pgx.Conn the loader uses.
type dbConn interface {
	Begin(ctx context.Context) (dbTx, error)
	Close(ctx context.Context) error
}

// dbTx is the part of pgx.Tx the loader uses; pgx.Tx implements it.
type dbTx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
}

// pgxConn adapts *pgx.Conn to dbConn.
type pgxConn struct{ conn *pgx.Conn }

func (c pgxConn) Begin(ctx context.Context) (dbTx, error) {
	tx, err := c.conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return tx, nil
}

func (c pgxConn) Close(ctx context.Context) error { return c.conn.Close(ctx) }

// NewPostgresLoader returns a Loader into the PostgreSQL database cfg
// describes. It checks cfg but does not connect; each LoadWindow opens
// one connection (from its parts, never through a connection string that
// could be logged with the password; the PG... environment variables and
// ~/.pgpass do not override them) and closes it.
//
// LoadWindow runs one transaction:
//
//	SELECT pg_advisory_xact_lock(<table key>, <window hour>)  -- overlapping runs of the hour wait here
//	DO ... create the table and its index if the table does not exist
//	DELETE FROM <table> WHERE window_start = <window start>
//	COPY <table> (id, symbol, price, currency, ts, volume, window_start) FROM STDIN (binary)
//	COMMIT
//
// so a window is replaced as a whole: a re-run leaves each record once,
// drops the ones the new input no longer has, and never touches another
// window. The transaction is retried, up to MaxAttempts times with a
// doubling backoff, on a new connection when it failed on a connection
// error (refused, reset, closed, timed out while connecting, SQLSTATE class
// 08, 57P01..57P03 as in an RDS reboot or failover) or a serialization
// failure or deadlock (40001, 40P01); never on any other error (a
// constraint violation, a statement timeout, an authentication failure),
// nor once ctx is done. Retrying after a connection lost during COMMIT is
// safe: the commit either happened, and the retry replaces the window
// with the same rows, or it did not.
func NewPostgresLoader(cfg DatabaseConfig) (*PostgresLoader, error) {
	c, err := cfg.resolved()
	if err != nil {
		return nil, err
	}
	cc, err := c.connConfig()
	if err != nil {
		return nil, err
	}
	return &PostgresLoader{cfg: c, connect: func(ctx context.Context) (dbConn, error) {
		cc := cc
		if c.IAMAuth {
			// A token opens connections for 15 minutes: one per connection.
			tok, err := c.AuthToken(ctx)
			if err != nil {
				return nil, err
			}
			cc = cc.Copy()
			cc.Password = tok
		}
		conn, err := pgx.ConnectConfig(ctx, cc)
		if err != nil {
			return nil, err
		}
		return pgxConn{conn}, nil
	}}, nil
}

// connConfig builds the pgx configuration from the parts. pgx requires a
// configuration made by ParseConfig, so it parses an empty connection
// string (nothing to leak) and then sets every field that matters.
func (d DatabaseConfig) connConfig() (*pgx.ConnConfig, error) {
	cc, err := pgx.ParseConfig("")
	if err != nil {
		return nil, fmt.Errorf("preparing the PostgreSQL connection settings: %w", err)
	}
	cc.Host = d.Host
	cc.Port = uint16(d.Port)
	cc.Database = d.Name
	cc.User = d.User
	cc.Password = d.Password
	cc.ConnectTimeout = d.ConnectTimeout
	cc.Fallbacks = nil // no retry without TLS, no other host
	cc.ValidateConnect = nil
	cc.AfterConnect = nil
	switch d.TLSMode {
	case TLSRequire:
		// sslmode=require: encrypted, the certificate is not checked.
		cc.TLSConfig = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12} //nolint:gosec // sslmode=require, documented
	case TLSVerifyFull:
		cc.TLSConfig = &tls.Config{ServerName: d.Host, RootCAs: d.RootCAs, MinVersion: tls.VersionTLS12}
	case TLSDisable:
		cc.TLSConfig = nil
	}
	ms := strconv.FormatInt(d.StatementTimeout.Milliseconds(), 10)
	cc.RuntimeParams = map[string]string{
		"application_name":                    "etljob",
		"statement_timeout":                   ms,
		"idle_in_transaction_session_timeout": ms,
		"TimeZone":                            "UTC",
	}
	return cc, nil
}

// loadColumns are the columns COPY fills; loaded_at takes its default.
var loadColumns = []string{"id", "symbol", "price", "currency", "ts", "volume", "window_start"}

// tableDDL creates the table and its index. The primary key starts with
// window_start, so the DELETE of a window is an index range; the checks
// restate what Normalize guarantees.
const tableDDL = `CREATE TABLE IF NOT EXISTS %[1]s (
			id           text          NOT NULL,
			symbol       text          NOT NULL,
			price        numeric(38,8) NOT NULL CHECK (price > 0),
			currency     char(3)       NOT NULL,
			ts           timestamptz   NOT NULL,
			volume       bigint        NOT NULL CHECK (volume >= 0),
			window_start timestamptz   NOT NULL,
			loaded_at    timestamptz   NOT NULL DEFAULT now(),
			PRIMARY KEY (window_start, id),
			CHECK (ts >= window_start AND ts < window_start + interval '1 hour')
		);
		CREATE INDEX IF NOT EXISTS %[2]s ON %[1]s (symbol, ts);`

// statements are the loader's SQL for one table.
type statements struct {
	table  pgx.Identifier
	lock   string
	schema string
	delete string
	// tableKey namespaces the window locks (two int4 keys); schemaKey is
	// the lock taken to create the table (one int8 key: PostgreSQL keeps
	// the two key spaces apart).
	tableKey  int32
	schemaKey int64
}

func newStatements(table string) statements {
	h := fnv.New64a()
	h.Write([]byte("etljob:" + table))
	sum := h.Sum64()
	id := pgx.Identifier{table}
	name := id.Sanitize()
	s := statements{
		table:     id,
		lock:      "SELECT pg_advisory_xact_lock($1::int4, $2::int4)",
		delete:    "DELETE FROM " + name + " WHERE window_start = $1",
		tableKey:  int32(sum >> 32),
		schemaKey: int64(sum),
	}
	// The table is created once, by the first load. Later loads only look
	// it up, so they need no CREATE privilege. Two first loads at once
	// serialize on schemaKey: the second then finds the table committed
	// instead of failing on a duplicate catalog entry. Every name is
	// checked by tableRE, so the literals below are safe.
	s.schema = fmt.Sprintf(`DO $etljob$
BEGIN
	IF to_regclass('%[1]s') IS NULL THEN
		PERFORM pg_advisory_xact_lock(%[2]d);
		%[3]s
	END IF;
END
$etljob$`, name, s.schemaKey, fmt.Sprintf(tableDDL, name, pgx.Identifier{table + "_symbol_ts_idx"}.Sanitize()))
	return s
}

// windowLockKey is the window's hour number since the Unix epoch.
func windowLockKey(w Window) int32 { return int32(w.From.Unix() / 3600) }

// errAttemptTimeout marks an attempt that ran out of AttemptTimeout; it is
// not retried.
var errAttemptTimeout = errors.New("the attempt ran out of time")

// LoadWindow replaces the window's rows with records in one transaction
// (see NewPostgresLoader). Records must be in w with unique ids and
// canonical prices, as Run gives them.
func (l *PostgresLoader) LoadWindow(ctx context.Context, w Window, records []Record) error {
	if err := checkLoadRecords(w, records); err != nil {
		return err
	}
	st := newStatements(l.cfg.Table)
	log := l.cfg.Log.With(slog.String("window", w.String()), slog.String("database", l.cfg.Host+"/"+l.cfg.Name), slog.String("table", l.cfg.Table))
	wait := l.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		start := time.Now()
		err := l.attempt(ctx, st, w, records)
		if err == nil {
			log.Info("window loaded into PostgreSQL", "rows", len(records), "attempt", attempt, "seconds", time.Since(start).Seconds())
			return nil
		}
		if ctx.Err() != nil || attempt >= l.cfg.MaxAttempts || !retryable(err) {
			return fmt.Errorf("loading window %s into PostgreSQL table %s at %s/%s (attempt %d of %d): %w",
				w, l.cfg.Table, l.cfg.Host, l.cfg.Name, attempt, l.cfg.MaxAttempts, err)
		}
		log.Warn("loading into PostgreSQL failed; retrying the transaction", "attempt", attempt, "error", err.Error(), "wait", wait.String())
		if err := l.cfg.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("loading window %s into PostgreSQL: waiting to retry: %w", w, err)
		}
		wait *= 2
	}
}

// attempt runs the window's transaction once, on its own connection.
func (l *PostgresLoader) attempt(parent context.Context, st statements, w Window, records []Record) (err error) {
	ctx, cancel := context.WithTimeout(parent, l.cfg.AttemptTimeout)
	defer cancel()
	defer func() {
		if err != nil && parent.Err() == nil && ctx.Err() != nil {
			err = fmt.Errorf("%w (%s): %w", errAttemptTimeout, l.cfg.AttemptTimeout, err)
		}
	}()
	conn, err := l.connect(ctx)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer func() {
		// Closing also rolls back a transaction still open.
		cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer ccancel()
		_ = conn.Close(cctx)
	}()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("beginning the transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer rcancel()
			_ = tx.Rollback(rctx)
		}
	}()
	if _, err := tx.Exec(ctx, st.lock, st.tableKey, windowLockKey(w)); err != nil {
		return fmt.Errorf("locking the window: %w", err)
	}
	if _, err := tx.Exec(ctx, st.schema); err != nil {
		return fmt.Errorf("creating the table %s: %w", st.table.Sanitize(), err)
	}
	if _, err := tx.Exec(ctx, st.delete, w.From); err != nil {
		return fmt.Errorf("deleting the window's earlier rows: %w", err)
	}
	n, err := tx.CopyFrom(ctx, st.table, loadColumns, &recordSource{records: records, windowStart: w.From})
	if err != nil {
		return fmt.Errorf("copying %d rows: %w", len(records), err)
	}
	if n != int64(len(records)) {
		return fmt.Errorf("copying %d rows: the server took %d", len(records), n)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	committed = true
	return nil
}

var loadPriceRE = regexp.MustCompile(`^[0-9]{1,30}(\.[0-9]{1,8})?$`)

// checkLoadRecords refuses records the table would refuse, before
// connecting: outside the window, or with a price that is not a plain
// decimal of at most 8 fractional digits (which numeric(38,8) would
// round).
func checkLoadRecords(w Window, records []Record) error {
	for i, r := range records {
		if !w.Contains(r.Timestamp) {
			return fmt.Errorf("record %d (%q) at %s is outside the window %s", i, r.ID, r.Timestamp.Format(time.RFC3339Nano), w)
		}
		if !loadPriceRE.MatchString(r.Price) {
			return fmt.Errorf("record %d (%q) has price %q, not a decimal with at most 8 fractional digits", i, r.ID, r.Price)
		}
	}
	return nil
}

// recordSource feeds COPY one row at a time, so that loading adds no copy
// of the window's records to memory.
type recordSource struct {
	records     []Record
	windowStart time.Time
	i           int
	row         []any
	err         error
}

func (s *recordSource) Next() bool {
	if s.err != nil || s.i >= len(s.records) {
		return false
	}
	s.i++
	return true
}

// Values is the current row. The price goes as the canonical decimal
// string, parsed exactly (big.Int digits and a decimal exponent, never a
// float) into the numeric the binary COPY sends. PostgreSQL keeps
// microseconds: the timestamp is truncated to them, which keeps it in the
// window (the parts keep the full precision).
func (s *recordSource) Values() ([]any, error) {
	r := s.records[s.i-1]
	var price pgtype.Numeric
	if err := price.Scan(r.Price); err != nil || !price.Valid || price.NaN || price.InfinityModifier != pgtype.Finite {
		s.err = fmt.Errorf("record %q: price %q is not a decimal", r.ID, r.Price)
		return nil, s.err
	}
	s.row = append(s.row[:0], r.ID, r.Symbol, price, r.Currency, r.Timestamp.UTC().Truncate(time.Microsecond), r.Volume, s.windowStart)
	return s.row, nil
}

func (s *recordSource) Err() error { return s.err }

// retryable reports whether a failed attempt may be retried: connection
// errors, serialization failures and deadlocks; not constraint
// violations, timeouts of the attempt or of a statement, authentication
// or certificate failures.
func retryable(err error) bool {
	if errors.Is(err, errAttemptTimeout) || errors.Is(err, context.Canceled) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "40001", "40P01", // serialization_failure, deadlock_detected
			"57P01", "57P02", "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
			return true
		}
		return len(pgErr.Code) == 5 && pgErr.Code[:2] == "08" // connection_exception
	}
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr) {
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || pgconn.SafeToRetry(err) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}
