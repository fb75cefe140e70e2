package job

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// events is the order of the S3 writes and loads a run made.
type events struct {
	mu  sync.Mutex
	all []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, s)
}

func (e *events) list() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.all)
}

// fakeLoader records each LoadWindow call as the event "load" and can be
// told to fail a call.
type fakeLoader struct {
	ev    *events
	mu    sync.Mutex
	calls []loadCall
	// fail, if set, is asked for each call (from 1); an error fails it.
	fail func(n int) error
}

type loadCall struct {
	window  Window
	records []Record
}

func (f *fakeLoader) LoadWindow(_ context.Context, w Window, records []Record) error {
	f.mu.Lock()
	f.calls = append(f.calls, loadCall{w, slices.Clone(records)})
	n, fail := len(f.calls), f.fail
	f.mu.Unlock()
	if f.ev != nil {
		f.ev.add("load")
	}
	if fail != nil {
		return fail(n)
	}
	return nil
}

func (f *fakeLoader) loads() []loadCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// loadTestRun is a run against a vendor and S3 whose puts, and the fake
// loader's loads, are recorded in order.
func loadTestRun(t *testing.T, raws ...string) (Config, *testS3, *fakeLoader, *events) {
	t.Helper()
	v := newVendor(t, raws...)
	c := newTestS3(t)
	ev := &events{}
	c.beforePut = func(key string) { ev.add("put " + key) }
	l := &fakeLoader{ev: ev}
	cfg := testConfig(v, c, &sleeper{}, nil)
	cfg.Loader = l
	return cfg, c, l, ev
}

// partRecords decodes the records of the parts the manifest lists.
func (c *testS3) partRecords(t *testing.T) []Record {
	t.Helper()
	var out []Record
	for _, p := range c.manifest(t).Parts {
		for _, line := range strings.Split(strings.TrimSuffix(string(c.read(t, p.Key)), "\n"), "\n") {
			var r Record
			require.NoError(t, json.Unmarshal([]byte(line), &r))
			out = append(out, r)
		}
	}
	return out
}

func TestRunLoadsTheWindowAfterThePartsAndBeforeTheManifest(t *testing.T) {
	raws := append(recs(7),
		// A duplicate delivery (dropped), a reject, and a record to
		// normalize, out of order.
		rec("r-003", 0, 3),
		`{"id":"bad","symbol":"aapl","price":"-1","currency":"usd","timestamp":"2026-11-22T09:00:00Z","volume":1}`,
		`{"id":"p-first","symbol":"msft","price":"0415.50","currency":"usd","timestamp":"2026-11-22T10:00:00+01:00","volume":3}`,
	)
	cfg, c, l, ev := loadTestRun(t, raws...)
	cfg.MaxRejectRatio = RejectRatio(0.5)
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, res.Loaded)
	assert.Equal(t, 8, res.Records)

	lay := testLayout
	assert.Equal(t, []string{
		"put " + lay.PartKey(0), "put " + lay.PartKey(1), "put " + lay.PartKey(2),
		"put " + lay.RejectsKey(),
		"load",
		"put " + lay.ManifestKey(),
	}, ev.list())

	loads := l.loads()
	require.Len(t, loads, 1)
	assert.Equal(t, lay.Window, loads[0].window)
	// Exactly the records of the parts, normalized and in their order.
	assert.Equal(t, c.partRecords(t), loads[0].records)
	assert.Equal(t, Record{ID: "p-first", Symbol: "MSFT", Price: "415.5", Currency: "USD", Timestamp: lay.Window.From, Volume: 3}, loads[0].records[0])
	ids := make([]string, 0, len(loads[0].records))
	for _, r := range loads[0].records {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, append([]string{"p-first"}, idsOf(recs(7))...), ids)
}

func TestRunLoadFailureLeavesNoManifestAndTheReRunLoadsAgain(t *testing.T) {
	cfg, c, l, ev := loadTestRun(t, recs(5)...)
	lay := testLayout
	injected := errors.New("injected: connection refused")
	l.fail = func(n int) error {
		if n == 1 {
			return injected
		}
		return nil
	}
	res, err := Run(context.Background(), cfg)
	require.ErrorIs(t, err, injected)
	assert.ErrorContains(t, err, "loading the window into the database (no manifest written; running again redoes the window)")
	assert.False(t, res.Loaded)
	assert.Equal(t, []string{lay.PartKey(0), lay.PartKey(1)}, c.keys(t), "no manifest after a failed load")
	assert.Equal(t, []string{"put " + lay.PartKey(0), "put " + lay.PartKey(1), "load"}, ev.list())

	res, err = Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, res.Loaded)
	assert.Equal(t, [2]int{0, 2}, [2]int{res.PartsWritten, res.PartsUnchanged}, "the parts were already there")
	assert.Equal(t, []string{lay.ManifestKey(), lay.PartKey(0), lay.PartKey(1)}, c.keys(t))
	assert.Equal(t, []string{"put " + lay.PartKey(0), "put " + lay.PartKey(1), "load", "load", "put " + lay.ManifestKey()}, ev.list())
	loads := l.loads()
	require.Len(t, loads, 2)
	assert.Equal(t, loads[0], loads[1], "the re-run loaded the same window and records")
	assert.Equal(t, c.partRecords(t), loads[1].records)
}

func TestRunWithACompleteManifestDoesNotLoad(t *testing.T) {
	cfg, _, l, ev := loadTestRun(t, recs(4)...)
	_, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Len(t, l.loads(), 1)
	before := len(ev.list())

	cfg.Now = func() time.Time { return testNow.Add(time.Hour) }
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, res.AlreadyComplete)
	assert.False(t, res.Loaded)
	assert.Len(t, l.loads(), 1, "a complete window is not loaded again")
	assert.Len(t, ev.list(), before)
}

func TestRunLoadsAnEmptyHour(t *testing.T) {
	// An hour without records replaces the window's rows with none.
	cfg, c, l, _ := loadTestRun(t)
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	assert.True(t, res.Loaded)
	loads := l.loads()
	require.Len(t, loads, 1)
	assert.Empty(t, loads[0].records)
	assert.Equal(t, []string{testLayout.ManifestKey()}, c.keys(t))
}

func TestRunOverRejectRatioDoesNotLoad(t *testing.T) {
	bad := `{"id":"x","symbol":"X","price":"1e3","currency":"USD","timestamp":"2026-11-22T09:00:00Z","volume":1}`
	cfg, _, l, _ := loadTestRun(t, rec("a", 1, 0), bad)
	_, err := Run(context.Background(), cfg)
	require.ErrorIs(t, err, ErrRejectRatio)
	assert.Empty(t, l.loads())
}

func TestRunNeedsALoaderWithDatabase(t *testing.T) {
	cfg, _, _, _ := loadTestRun(t, recs(1)...)
	cfg.Loader = nil
	cfg.Database = &DatabaseConfig{Host: "db.example", Port: 5432, Name: "prices", User: "etl", Password: "hunter2-secret"}
	_, err := Run(context.Background(), cfg)
	require.ErrorContains(t, err, "Database is set but Loader is not: build it with NewPostgresLoader(*cfg.Database)")
	assert.NotContains(t, err.Error(), "hunter2")
}
