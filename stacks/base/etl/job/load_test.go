package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeDB stands for PostgreSQL behind the dbConn seam: it records every
// call as a step ("connect", "begin", "lock", "create", "delete", "copy",
// "commit", "rollback", "close") and can fail any of them.
type fakeDB struct {
	mu      sync.Mutex
	steps   []string
	sql     map[string]string // step -> the last SQL text
	args    map[string][]any  // step -> the last arguments
	copied  [][]any           // the rows of the last COPY
	table   pgx.Identifier
	columns []string
	// fail, if set, is asked before each step with the attempt (from 1);
	// an error fails the step.
	fail     func(step string, attempt int) error
	attempts int
}

func newFakeDB() *fakeDB {
	return &fakeDB{sql: map[string]string{}, args: map[string][]any{}}
}

func (f *fakeDB) step(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if name == "connect" {
		f.attempts++
	}
	f.steps = append(f.steps, name)
	if f.fail != nil {
		return f.fail(name, f.attempts)
	}
	return nil
}

func (f *fakeDB) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.steps)
}

func (f *fakeDB) connect(context.Context) (dbConn, error) {
	if err := f.step("connect"); err != nil {
		return nil, err
	}
	return fakeConn{f}, nil
}

type fakeConn struct{ db *fakeDB }

func (c fakeConn) Begin(context.Context) (dbTx, error) {
	if err := c.db.step("begin"); err != nil {
		return nil, err
	}
	return fakeTx(c), nil
}

func (c fakeConn) Close(context.Context) error { return c.db.step("close") }

type fakeTx struct{ db *fakeDB }

func (t fakeTx) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	name := "exec"
	switch {
	case strings.HasPrefix(sql, "SELECT pg_advisory_xact_lock("):
		name = "lock"
	case strings.HasPrefix(sql, "DO "):
		name = "create"
	case strings.HasPrefix(sql, "DELETE "):
		name = "delete"
	}
	t.db.mu.Lock()
	t.db.sql[name], t.db.args[name] = sql, args
	t.db.mu.Unlock()
	return pgconn.CommandTag{}, t.db.step(name)
}

func (t fakeTx) CopyFrom(_ context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	if err := t.db.step("copy"); err != nil {
		return 0, err
	}
	var rows [][]any
	for src.Next() {
		v, err := src.Values()
		if err != nil {
			return 0, err
		}
		rows = append(rows, slices.Clone(v))
	}
	if err := src.Err(); err != nil {
		return 0, err
	}
	t.db.mu.Lock()
	t.db.copied, t.db.table, t.db.columns = rows, table, columns
	t.db.mu.Unlock()
	return int64(len(rows)), nil
}

func (t fakeTx) Commit(context.Context) error   { return t.db.step("commit") }
func (t fakeTx) Rollback(context.Context) error { return t.db.step("rollback") }

// fakeLoaderOn is a PostgresLoader on db, with no real waiting.
func fakeLoaderOn(t *testing.T, db *fakeDB, sl *sleeper, logs io.Writer) *PostgresLoader {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	cfg, err := DatabaseConfig{
		Host: "prices.abc123.eu-west-1.rds.amazonaws.com", Port: 5432, Name: "prices", User: "etl", Password: testDBPassword,
		Sleep: sl.sleep, Log: slog.New(slog.NewJSONHandler(logs, nil)),
	}.resolved()
	require.NoError(t, err)
	return &PostgresLoader{cfg: cfg, connect: db.connect}
}

// loadRecords are normalized records of the test window.
func loadRecords() []Record {
	at := func(s string) time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC).Add(mustDuration(s)) }
	return []Record{
		{ID: "p-1", Symbol: "SAP", Price: "120.00000001", Currency: "EUR", Timestamp: at("0s"), Volume: 50},
		{ID: "p-2", Symbol: "7203.T", Price: "2500", Currency: "JPY", Timestamp: at("30m0.5s"), Volume: 100},
		{ID: "p-3", Symbol: "BRK.B", Price: "999999999999999999.99999999", Currency: "USD", Timestamp: at("45m"), Volume: 0},
		{ID: "p-4", Symbol: "VOD.L", Price: "0.7", Currency: "GBP", Timestamp: at("59m59.999999999s"), Volume: 9223372036854775807},
	}
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// numericText is the exact decimal text of a numeric value.
func numericText(t *testing.T, v any) string {
	t.Helper()
	n, ok := v.(pgtype.Numeric)
	require.True(t, ok, "price is a %T, want pgtype.Numeric", v)
	s, err := n.Value()
	require.NoError(t, err)
	return s.(string)
}

func TestPostgresLoaderRunsOneTransactionInOrder(t *testing.T) {
	db := newFakeDB()
	sl := &sleeper{}
	var logs strings.Builder
	l := fakeLoaderOn(t, db, sl, &logs)
	w := testLayout.Window
	require.NoError(t, l.LoadWindow(context.Background(), w, loadRecords()))

	assert.Equal(t, []string{"connect", "begin", "lock", "create", "delete", "copy", "commit", "close"}, db.recorded())
	assert.Empty(t, sl.all())

	st := newStatements("prices")
	// The window's lock: the table's key and the hour number.
	assert.Equal(t, "SELECT pg_advisory_xact_lock($1::int4, $2::int4)", db.sql["lock"])
	assert.Equal(t, []any{st.tableKey, int32(w.From.Unix() / 3600)}, db.args["lock"])
	assert.Equal(t, int32(498705), windowLockKey(w))
	// The table is created only when missing, under its own lock.
	create := db.sql["create"]
	for _, want := range []string{
		`IF to_regclass('"prices"') IS NULL THEN`,
		fmt.Sprintf("PERFORM pg_advisory_xact_lock(%d);", st.schemaKey),
		`CREATE TABLE IF NOT EXISTS "prices" (`,
		"price        numeric(38,8) NOT NULL CHECK (price > 0)",
		"currency     char(3)       NOT NULL",
		"ts           timestamptz   NOT NULL",
		"volume       bigint        NOT NULL CHECK (volume >= 0)",
		"window_start timestamptz   NOT NULL",
		"loaded_at    timestamptz   NOT NULL DEFAULT now()",
		"PRIMARY KEY (window_start, id)",
		`CREATE INDEX IF NOT EXISTS "prices_symbol_ts_idx" ON "prices" (symbol, ts);`,
	} {
		assert.Contains(t, create, want)
	}
	assert.Empty(t, db.args["create"])
	assert.Equal(t, `DELETE FROM "prices" WHERE window_start = $1`, db.sql["delete"])
	assert.Equal(t, []any{w.From}, db.args["delete"])

	assert.Equal(t, pgx.Identifier{"prices"}, db.table)
	assert.Equal(t, []string{"id", "symbol", "price", "currency", "ts", "volume", "window_start"}, db.columns)
	require.Len(t, db.copied, 4)
	var prices []string
	for i, row := range db.copied {
		r := loadRecords()[i]
		require.Len(t, row, 7)
		prices = append(prices, numericText(t, row[2]))
		assert.Equal(t, []any{r.ID, r.Symbol, r.Currency, r.Volume, w.From}, []any{row[0], row[1], row[3], row[5], row[6]})
	}
	// Exact decimals, never through a float.
	assert.Equal(t, []string{"120.00000001", "2500", "999999999999999999.99999999", "0.7"}, prices)
	// Microseconds, truncated: the last record stays in the window.
	assert.Equal(t, time.Date(2026, 11, 22, 9, 59, 59, 999999000, time.UTC), db.copied[3][4])
	assert.Equal(t, time.Date(2026, 11, 22, 9, 30, 0, 500000000, time.UTC), db.copied[1][4])

	assert.Contains(t, logs.String(), `"msg":"window loaded into PostgreSQL"`)
	assert.Contains(t, logs.String(), `"rows":4`)
	assert.NotContains(t, logs.String(), testDBPassword)
}

func TestPostgresLoaderRollsBackWhenTheCopyFails(t *testing.T) {
	db := newFakeDB()
	db.fail = func(step string, _ int) error {
		if step == "copy" {
			return &pgconn.PgError{Severity: "ERROR", Code: "22003", Message: "numeric field overflow"}
		}
		return nil
	}
	sl := &sleeper{}
	err := fakeLoaderOn(t, db, sl, nil).LoadWindow(context.Background(), testLayout.Window, loadRecords())
	require.Error(t, err)
	assert.ErrorContains(t, err, "loading window [2026-11-22T09:00:00Z, 2026-11-22T10:00:00Z) into PostgreSQL table prices at prices.abc123.eu-west-1.rds.amazonaws.com/prices (attempt 1 of 3): copying 4 rows: ERROR: numeric field overflow (SQLSTATE 22003)")
	assert.Equal(t, []string{"connect", "begin", "lock", "create", "delete", "copy", "rollback", "close"}, db.recorded())
	assert.Empty(t, sl.all(), "not retried")
	assert.NotContains(t, err.Error(), testDBPassword)
}

func TestPostgresLoaderRetries(t *testing.T) {
	for _, tc := range []struct {
		name, step string
		err        error
		// steps of the failed first attempt
		first []string
	}{
		{"serialization failure", "copy", &pgconn.PgError{Code: "40001", Message: "could not serialize access"},
			[]string{"connect", "begin", "lock", "create", "delete", "copy", "rollback", "close"}},
		{"deadlock", "delete", &pgconn.PgError{Code: "40P01", Message: "deadlock detected"},
			[]string{"connect", "begin", "lock", "create", "delete", "rollback", "close"}},
		{"failover", "lock", &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"},
			[]string{"connect", "begin", "lock", "rollback", "close"}},
		{"connection failure", "begin", &pgconn.PgError{Code: "08006", Message: "connection failure"},
			[]string{"connect", "begin", "close"}},
		{"refused", "connect", refusedConnectError(t), []string{"connect"}},
		{"lost during commit", "commit", fmt.Errorf("failed to receive message: %w", io.ErrUnexpectedEOF),
			[]string{"connect", "begin", "lock", "create", "delete", "copy", "commit", "rollback", "close"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := newFakeDB()
			db.fail = func(step string, attempt int) error {
				if step == tc.step && attempt == 1 {
					return tc.err
				}
				return nil
			}
			sl := &sleeper{}
			var logs strings.Builder
			require.NoError(t, fakeLoaderOn(t, db, sl, &logs).LoadWindow(context.Background(), testLayout.Window, loadRecords()))
			want := append(slices.Clone(tc.first), "connect", "begin", "lock", "create", "delete", "copy", "commit", "close")
			assert.Equal(t, want, db.recorded())
			assert.Equal(t, []time.Duration{DefaultLoadBackoff}, sl.all())
			assert.Len(t, db.copied, 4, "the second attempt copied every row again")
			assert.Contains(t, logs.String(), "retrying the transaction")
		})
	}
}

func TestPostgresLoaderDoesNotRetry(t *testing.T) {
	for _, tc := range []struct {
		name, step string
		err        error
	}{
		{"unique violation", "copy", &pgconn.PgError{Code: "23505", Message: `duplicate key value violates unique constraint "prices_pkey"`}},
		{"check violation", "copy", &pgconn.PgError{Code: "23514", Message: "new row violates check constraint"}},
		{"statement timeout", "lock", &pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"}},
		{"authentication", "connect", authConnectError(t)},
		{"permission", "create", &pgconn.PgError{Code: "42501", Message: "permission denied for schema public"}},
		{"anything else", "delete", errors.New("boom")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err
			db := newFakeDB()
			db.fail = func(step string, _ int) error {
				if step == tc.step {
					return err
				}
				return nil
			}
			sl := &sleeper{}
			lerr := fakeLoaderOn(t, db, sl, nil).LoadWindow(context.Background(), testLayout.Window, loadRecords())
			require.Error(t, lerr)
			assert.ErrorIs(t, lerr, err)
			assert.ErrorContains(t, lerr, "(attempt 1 of 3)")
			assert.Empty(t, sl.all())
			steps := db.recorded()
			assert.Equal(t, 1, strings.Count(strings.Join(steps, " "), "connect"))
			assert.NotContains(t, steps, "commit")
			if tc.step != "connect" {
				assert.Equal(t, []string{"rollback", "close"}, steps[len(steps)-2:])
			}
		})
	}
}

// refusedConnectError is what pgx returns when nothing listens on the
// port: a *pgconn.ConnectError around the dial error.
func refusedConnectError(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return connectErrorFrom(t, port)
}

// authConnectError is what pgx returns when the server refuses the login:
// a *pgconn.ConnectError around the server's FATAL 28P01, here from a
// one-shot server speaking the protocol.
func authConnectError(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		be := pgproto3.NewBackend(conn, conn)
		if _, err := be.ReceiveStartupMessage(); err != nil {
			return
		}
		be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: "28P01", Message: `password authentication failed for user "etl"`})
		_ = be.Flush()
	}()
	err = connectErrorFrom(t, ln.Addr().(*net.TCPAddr).Port)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "28P01", pgErr.Code)
	return err
}

func connectErrorFrom(t *testing.T, port int) error {
	t.Helper()
	cfg, err := pgconn.ParseConfig(fmt.Sprintf("host=127.0.0.1 port=%d user=etl dbname=prices sslmode=disable connect_timeout=10", port))
	require.NoError(t, err)
	cfg.Fallbacks = nil
	conn, err := pgconn.ConnectConfig(context.Background(), cfg)
	if conn != nil {
		conn.Close(context.Background())
	}
	var ce *pgconn.ConnectError
	require.ErrorAs(t, err, &ce)
	return err
}

func TestPostgresLoaderGivesUpAfterMaxAttempts(t *testing.T) {
	db := newFakeDB()
	serialization := &pgconn.PgError{Code: "40001", Message: "could not serialize access"}
	db.fail = func(step string, _ int) error {
		if step == "copy" {
			return serialization
		}
		return nil
	}
	sl := &sleeper{}
	err := fakeLoaderOn(t, db, sl, nil).LoadWindow(context.Background(), testLayout.Window, loadRecords())
	require.ErrorIs(t, err, serialization)
	assert.ErrorContains(t, err, "(attempt 3 of 3)")
	assert.Equal(t, []time.Duration{2 * time.Second, 4 * time.Second}, sl.all())
	assert.Equal(t, 3, strings.Count(strings.Join(db.recorded(), " "), "rollback"))
	assert.NotContains(t, db.recorded(), "commit")
}

func TestPostgresLoaderStopsWhenCancelled(t *testing.T) {
	db := newFakeDB()
	ctx, cancel := context.WithCancel(context.Background())
	db.fail = func(step string, _ int) error {
		if step == "copy" {
			cancel()
			return fmt.Errorf("copying: %w", context.Canceled)
		}
		return nil
	}
	sl := &sleeper{}
	err := fakeLoaderOn(t, db, sl, nil).LoadWindow(ctx, testLayout.Window, loadRecords())
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, sl.all())
}

func TestPostgresLoaderRefusesRecordsTheTableWouldNot(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Record)
		want string
	}{
		{"outside the window", func(r *Record) { r.Timestamp = testLayout.Window.To }, `record 1 ("p-2") at 2026-11-22T10:00:00Z is outside the window`},
		{"not a decimal", func(r *Record) { r.Price = "1e3" }, `record 1 ("p-2") has price "1e3", not a decimal with at most 8 fractional digits`},
		{"too many fractional digits", func(r *Record) { r.Price = "0.000000001" }, `has price "0.000000001"`},
		{"NaN", func(r *Record) { r.Price = "NaN" }, `has price "NaN"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			records := loadRecords()
			tc.edit(&records[1])
			db := newFakeDB()
			err := fakeLoaderOn(t, db, &sleeper{}, nil).LoadWindow(context.Background(), testLayout.Window, records)
			assert.ErrorContains(t, err, tc.want)
			assert.Empty(t, db.recorded(), "nothing is sent")
		})
	}
}

func TestStatementsPerTable(t *testing.T) {
	a, b := newStatements("prices"), newStatements("prices_v2")
	assert.NotEqual(t, a.tableKey, b.tableKey)
	assert.NotEqual(t, a.schemaKey, b.schemaKey)
	assert.Equal(t, a, newStatements("prices"), "stable across runs")
	assert.Contains(t, b.schema, `CREATE INDEX IF NOT EXISTS "prices_v2_symbol_ts_idx" ON "prices_v2" (symbol, ts);`)
}
