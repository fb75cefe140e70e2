package job

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// EnvTestDatabaseURL names a PostgreSQL database the integration tests
// may create and drop tables in, as a URL:
//
//	postgres://user:password@127.0.0.1:5432/db?sslmode=require
//
// sslmode require (or none), verify-full (with sslrootcert) and disable
// map to the loader's TLSMode. Without it the tests are skipped.
const envTestDatabaseURL = "ETL_TEST_DATABASE_URL"

// itDB is a test table in the database of ETL_TEST_DATABASE_URL.
type itDB struct {
	cfg   DatabaseConfig
	admin *pgx.Conn
	table string
}

// newITDB skips the test without ETL_TEST_DATABASE_URL; otherwise it
// returns a loader configuration on a fresh table, dropped at the end.
func newITDB(t *testing.T) *itDB {
	t.Helper()
	raw := os.Getenv(envTestDatabaseURL)
	if raw == "" {
		t.Skip(envTestDatabaseURL + " is not set: set it to a PostgreSQL URL (postgres://user:password@host:port/db?sslmode=require) to run the tests against a real server")
	}
	u, err := url.Parse(raw)
	require.NoError(t, err, "%s must be a postgres:// URL", envTestDatabaseURL)
	cc, err := pgx.ParseConfig(raw)
	require.NoError(t, err)
	cfg := DatabaseConfig{
		Host: cc.Host, Port: int(cc.Port), Name: cc.Database, User: cc.User, Password: cc.Password,
		Table:        fmt.Sprintf("etljob_it_%d", rand.Uint64N(1e12)),
		RetryBackoff: 10 * time.Millisecond,
		Log:          slog.New(slog.NewTextHandler(testWriter{t}, nil)),
	}
	switch mode := u.Query().Get("sslmode"); mode {
	case "disable":
		cfg.TLSMode = TLSDisable
	case "verify-full":
		cfg.TLSMode = TLSVerifyFull
		cfg.RootCAs = cc.TLSConfig.RootCAs
	case "", "prefer", "allow", "require":
		cfg.TLSMode = TLSRequire
	default:
		t.Fatalf("%s: sslmode %q is not supported by the tests (use require, verify-full or disable)", envTestDatabaseURL, mode)
	}
	ctx := context.Background()
	admin, err := pgx.ConnectConfig(ctx, cc)
	require.NoError(t, err)
	db := &itDB{cfg: cfg, admin: admin, table: cfg.Table}
	t.Cleanup(func() {
		_, err := admin.Exec(ctx, "DROP TABLE IF EXISTS "+pgx.Identifier{db.table}.Sanitize())
		assert.NoError(t, err)
		admin.Close(ctx)
	})
	return db
}

// testWriter sends the loader's log to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func (db *itDB) loader(t *testing.T) *PostgresLoader {
	t.Helper()
	l, err := NewPostgresLoader(db.cfg)
	require.NoError(t, err)
	return l
}

// row is a loaded row as PostgreSQL shows it: the price as numeric text.
type row struct {
	ID, Symbol, Price, Currency string
	TS                          time.Time
	Volume                      int64
}

// rows returns the window's rows by id.
func (db *itDB) rows(t *testing.T, w Window) []row {
	t.Helper()
	rs, err := db.admin.Query(context.Background(),
		"SELECT id, symbol, price::text, currency, ts, volume FROM "+pgx.Identifier{db.table}.Sanitize()+" WHERE window_start = $1 ORDER BY id", w.From)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rs, func(r pgx.CollectableRow) (row, error) {
		var x row
		err := r.Scan(&x.ID, &x.Symbol, &x.Price, &x.Currency, &x.TS, &x.Volume)
		x.TS = x.TS.UTC()
		return x, err
	})
	require.NoError(t, err)
	return out
}

func (db *itDB) count(t *testing.T, where string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, db.admin.QueryRow(context.Background(), "SELECT count(*) FROM "+pgx.Identifier{db.table}.Sanitize()+" "+where, args...).Scan(&n))
	return n
}

var itPrevious = Window{From: testLayout.Window.From.Add(-time.Hour), To: testLayout.Window.From}

func TestPostgresIntegrationReplacesTheWindow(t *testing.T) {
	db := newITDB(t)
	l := db.loader(t)
	ctx := context.Background()
	w := testLayout.Window
	at := func(s string) time.Time { return w.From.Add(mustDuration(s)) }

	// Loaded twice: each row once, prices exact.
	require.NoError(t, l.LoadWindow(ctx, w, loadRecords()))
	require.NoError(t, l.LoadWindow(ctx, w, loadRecords()))
	want := []row{
		{"p-1", "SAP", "120.00000001", "EUR", at("0s"), 50},
		{"p-2", "7203.T", "2500.00000000", "JPY", at("30m0.5s"), 100},
		{"p-3", "BRK.B", "999999999999999999.99999999", "USD", at("45m"), 0},
		// Microseconds, truncated.
		{"p-4", "VOD.L", "0.70000000", "GBP", at("59m59.999999s"), 9223372036854775807},
	}
	assert.Equal(t, want, db.rows(t, w))
	assert.Equal(t, 4, db.count(t, ""))
	assert.Equal(t, 1, db.count(t, "WHERE price = '120.00000001'::numeric"))

	// Another window.
	other := []Record{
		{ID: "p-1", Symbol: "SAP", Price: "119.5", Currency: "EUR", Timestamp: itPrevious.From, Volume: 1},
		{ID: "q-9", Symbol: "AAPL", Price: "189.12", Currency: "USD", Timestamp: itPrevious.From.Add(time.Minute), Volume: 2},
	}
	require.NoError(t, l.LoadWindow(ctx, itPrevious, other))
	var otherLoadedAt time.Time
	require.NoError(t, db.admin.QueryRow(ctx, "SELECT max(loaded_at) FROM "+pgx.Identifier{db.table}.Sanitize()+" WHERE window_start = $1", itPrevious.From).Scan(&otherLoadedAt))

	// The window again, with fewer records and a changed price: the rows
	// the new input no longer has are gone, the other window is untouched.
	smaller := loadRecords()
	smaller = []Record{smaller[0], smaller[2]}
	smaller[0].Price = "120.5"
	require.NoError(t, l.LoadWindow(ctx, w, smaller))
	assert.Equal(t, []row{
		{"p-1", "SAP", "120.50000000", "EUR", at("0s"), 50},
		{"p-3", "BRK.B", "999999999999999999.99999999", "USD", at("45m"), 0},
	}, db.rows(t, w))
	assert.Equal(t, []row{
		{"p-1", "SAP", "119.50000000", "EUR", itPrevious.From, 1},
		{"q-9", "AAPL", "189.12000000", "USD", itPrevious.From.Add(time.Minute), 2},
	}, db.rows(t, itPrevious))
	assert.Equal(t, 2, db.count(t, "WHERE window_start = $1 AND loaded_at = $2", itPrevious.From, otherLoadedAt), "the other window was not rewritten")

	// An empty hour empties the window only.
	require.NoError(t, l.LoadWindow(ctx, w, nil))
	assert.Empty(t, db.rows(t, w))
	assert.Len(t, db.rows(t, itPrevious), 2)

	// The index exists.
	assert.Equal(t, 1, func() int {
		var n int
		require.NoError(t, db.admin.QueryRow(ctx, "SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexname = $2", db.table, db.table+"_symbol_ts_idx").Scan(&n))
		return n
	}())
}

func TestPostgresIntegrationSessionSettings(t *testing.T) {
	db := newITDB(t)
	d, err := db.cfg.resolved()
	require.NoError(t, err)
	cc, err := d.connConfig()
	require.NoError(t, err)
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, cc)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var ssl bool
	var app, stmt, idle string
	require.NoError(t, conn.QueryRow(ctx, `SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false),
		current_setting('application_name'), current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout')`).Scan(&ssl, &app, &stmt, &idle))
	assert.Equal(t, db.cfg.TLSMode != TLSDisable, ssl, "TLS as configured (%s)", db.cfg.TLSMode)
	assert.Equal(t, [3]string{"etljob", "5min", "5min"}, [3]string{app, stmt, idle})

	if db.cfg.TLSMode == TLSDisable {
		return
	}
	// verify-full against roots that do not hold the server's CA fails,
	// at once: a certificate error is not retried.
	bad := db.cfg
	bad.TLSMode, bad.RootCAs = TLSVerifyFull, x509.NewCertPool()
	l, err := NewPostgresLoader(bad)
	require.NoError(t, err)
	err = l.LoadWindow(ctx, testLayout.Window, loadRecords())
	assert.ErrorContains(t, err, "certificate")
	assert.ErrorContains(t, err, "(attempt 1 of 3)")
}

func TestPostgresIntegrationOverlappingLoadsOfAWindowSerialize(t *testing.T) {
	db := newITDB(t)
	ctx := context.Background()
	w := testLayout.Window
	require.NoError(t, db.loader(t).LoadWindow(ctx, itPrevious, nil)) // creates the table

	// Hold the window's lock as an overlapping run would: the load waits.
	st := newStatements(db.table)
	tx, err := db.admin.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it only says the transaction is closed
	_, err = tx.Exec(ctx, st.lock, st.tableKey, windowLockKey(w))
	require.NoError(t, err)
	done := make(chan error, 1)
	waiter := db.loader(t)
	go func() { done <- waiter.LoadWindow(ctx, w, loadRecords()) }()
	require.Eventually(t, func() bool {
		var waiting int
		_ = db.admin.QueryRow(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1::int4::oid AND objid = $2::int4::oid AND objsubid = 2",
			st.tableKey, windowLockKey(w)).Scan(&waiting)
		return waiting == 1
	}, 10*time.Second, 20*time.Millisecond, "the load waits for the window's lock")
	select {
	case err := <-done:
		t.Fatalf("the load did not wait: %v", err)
	default:
	}
	require.NoError(t, tx.Commit(ctx))
	require.NoError(t, <-done)
	assert.Len(t, db.rows(t, w), 4)

	// Two loads of one window at once: the result is one of them, whole.
	a := loadRecords()
	b := []Record{a[1], a[3]}
	b[0].Price = "2501"
	loaders := []*PostgresLoader{db.loader(t), db.loader(t)}
	for range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, rs := range [][]Record{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = loaders[i].LoadWindow(ctx, w, rs)
			}()
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		got := db.rows(t, w)
		assert.True(t, len(got) == 4 || (len(got) == 2 && got[0].Price == "2501.00000000"), "a mixture of two loads: %v", got)
	}
}

func TestPostgresIntegrationFirstLoadsAtOnce(t *testing.T) {
	// Two windows loaded at once into a table that does not exist yet:
	// both create it if missing, serialized, and both succeed.
	for range 3 {
		db := newITDB(t)
		loaders := []*PostgresLoader{db.loader(t), db.loader(t)}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for j, w := range []Window{testLayout.Window, itPrevious} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				recs := loadRecords()
				for k := range recs {
					recs[k].Timestamp = w.From.Add(recs[k].Timestamp.Sub(testLayout.Window.From))
				}
				errs[j] = loaders[j].LoadWindow(context.Background(), w, recs)
			}()
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		assert.Equal(t, 8, db.count(t, ""))
	}
}

func TestPostgresIntegrationWrongPassword(t *testing.T) {
	db := newITDB(t)
	wrong := fmt.Sprintf("wrong-%d", rand.Uint64N(1e12))
	db.cfg.Password = wrong
	err := db.loader(t).LoadWindow(context.Background(), testLayout.Window, loadRecords())
	if err == nil {
		t.Skip("the server does not check passwords (trust authentication)")
	}
	assert.ErrorContains(t, err, "(attempt 1 of 3)", "an authentication failure is not retried")
	assert.NotContains(t, err.Error(), wrong)
	t.Log(err)
}

func TestPostgresIntegrationRun(t *testing.T) {
	db := newITDB(t)
	v := newVendor(t, recs(8)...)
	c := newTestS3(t)
	cfg := testConfig(v, c, &sleeper{}, nil)
	cfg.Database = &db.cfg
	cfg.Loader = db.loader(t)
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, res.Loaded)
	var ids []string
	for _, r := range db.rows(t, testLayout.Window) {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, c.writtenIDs(t), ids)
	var loadedAt time.Time
	require.NoError(t, db.admin.QueryRow(context.Background(), "SELECT max(loaded_at) FROM "+pgx.Identifier{db.table}.Sanitize()).Scan(&loadedAt))

	// The manifest exists: the re-run loads nothing.
	res, err = Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, res.AlreadyComplete)
	assert.Equal(t, 8, db.count(t, "WHERE loaded_at = $1", loadedAt))
}
