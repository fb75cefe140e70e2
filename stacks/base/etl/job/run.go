package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrRejectRatio is returned when more than MaxRejectRatio of the records
// are invalid; the rejects are written, the partition is not.
var ErrRejectRatio = errors.New("too many invalid records; the vendor feed looks broken")

// maxManifestBytes bounds the manifest read back (100,000 parts fit).
const maxManifestBytes = 32 << 20

// Result summarizes a run.
type Result struct {
	Window Window
	// ManifestKey is the partition's manifest.
	ManifestKey string
	// AlreadyComplete is set when the manifest existed and the run did
	// nothing.
	AlreadyComplete bool
	Pages           int
	VendorRecords   int
	Records         int
	Duplicates      int
	Rejects         int
	// PartsWritten and PartsUnchanged add up to the number of parts.
	PartsWritten      int
	PartsUnchanged    int
	StalePartsDeleted int
	// Loaded is set when the Loader loaded the window's Records.
	Loaded bool
}

// Run processes the window selected by cfg.ScheduledTime (see the package
// documentation) and returns what it did. It returns an error wrapping
// ErrAPIKeyRejected, ErrTooManyRecords or ErrRejectRatio for those
// failures, and an error for any other (a failed database load among
// them); after an error no manifest exists for the window, and running
// again redoes it. With a Loader, the window's records are loaded after
// the parts and before the manifest; a window whose manifest exists is
// not loaded again.
func Run(ctx context.Context, cfg Config) (Result, error) {
	c, err := cfg.resolved()
	if err != nil {
		return Result{}, err
	}
	started := c.Now().UTC()
	scheduled := c.ScheduledTime
	if scheduled.IsZero() {
		scheduled = started
	}
	w := WindowFor(scheduled)
	l := Layout{Prefix: c.OutputPrefix, Window: w}
	st := &store{s3: c.S3, bucket: c.OutputBucket}
	res := Result{Window: w, ManifestKey: l.ManifestKey()}
	log := c.Log.With(slog.String("window", w.String()))
	if w.To.After(started) {
		return res, fmt.Errorf("window %s has not ended at %s: the scheduled time %s is in the future", w, started.Format(time.RFC3339), scheduled.Format(time.RFC3339))
	}
	log.Info("starting", "config", c, "manifest", st.uri(l.ManifestKey()))

	done, err := checkManifest(ctx, st, l, log)
	if err != nil {
		return res, err
	}
	if done {
		res.AlreadyComplete = true
		log.Info("the window's manifest exists and is complete; nothing to do", "manifest", st.uri(l.ManifestKey()))
		return res, nil
	}

	// Read the whole window before writing anything.
	v := newValidator(w)
	pages, err := (&fetcher{cfg: c}).fetchAll(ctx, w, v.add)
	res.Pages = pages
	if err != nil {
		return res, err
	}
	b := v.finish()
	res.VendorRecords, res.Records, res.Duplicates, res.Rejects = b.received, len(b.records), b.duplicates, len(b.rejects)
	ratio := 0.0
	if b.received > 0 {
		ratio = float64(len(b.rejects)) / float64(b.received)
	}
	if len(b.rejects) > 0 {
		var reasons []string
		for _, r := range b.rejects[:min(5, len(b.rejects))] {
			reasons = append(reasons, fmt.Sprintf("page %d index %d: %s", r.Page, r.Index, r.Reason))
		}
		log.Warn("invalid records", "rejects", len(b.rejects), "records", b.received, "ratio", ratio, "first", reasons)
	}

	nParts, err := partCount(len(b.records), c.RecordsPerPart)
	if err != nil {
		return res, err
	}
	var rejects *content
	if len(b.rejects) > 0 {
		r, err := encodeRejects(l, b.rejects)
		if err != nil {
			return res, err
		}
		rejects = &r
	}
	existing, err := st.list(ctx, l.PartitionPrefix())
	if err != nil {
		return res, err
	}
	existingRejects, err := st.list(ctx, l.RejectsPrefix())
	if err != nil {
		return res, err
	}

	if ratio > *c.MaxRejectRatio {
		if _, err := writeIfChanged(ctx, st, *rejects, existingRejects); err != nil {
			return res, err
		}
		return res, fmt.Errorf("%w: %d of %d records (%s%%) are invalid, more than the %s%% allowed by %s; the rejects are in %s; no partition was written",
			ErrRejectRatio, len(b.rejects), b.received, percent(ratio), percent(*c.MaxRejectRatio), EnvMaxRejectRatio, st.uri(rejects.Key))
	}

	m := Manifest{
		Version: ManifestVersion, From: w.From, To: w.To, RunStartedAt: started,
		VendorRecords: b.received, Records: len(b.records), Duplicates: b.duplicates, Rejects: len(b.rejects),
		Parts: make([]Object, 0, nParts),
	}
	for i := range nParts {
		p, err := encodePart(l, b.records, c.RecordsPerPart, i)
		if err != nil {
			return res, err
		}
		written, err := writeIfChanged(ctx, st, p, existing)
		if err != nil {
			return res, err
		}
		if written {
			res.PartsWritten++
		} else {
			res.PartsUnchanged++
		}
		m.Parts = append(m.Parts, p.Object)
	}
	// Parts beyond the new count come from an earlier run that read more
	// records and failed before its manifest.
	var stale []string
	for key := range existing {
		num := partKeyRE.FindStringSubmatch(strings.TrimPrefix(key, l.PartitionPrefix()))
		if num == nil {
			continue
		}
		if n, _ := strconv.Atoi(num[1]); n >= nParts {
			stale = append(stale, key)
		}
	}
	slices.Sort(stale)
	for _, key := range stale {
		if err := st.delete(ctx, key); err != nil {
			return res, err
		}
		log.Info("deleted a stale part", "key", key)
		res.StalePartsDeleted++
	}
	if rejects != nil {
		if _, err := writeIfChanged(ctx, st, *rejects, existingRejects); err != nil {
			return res, err
		}
	} else if _, ok := existingRejects[l.RejectsKey()]; ok {
		if err := st.delete(ctx, l.RejectsKey()); err != nil {
			return res, err
		}
	}

	// The database load comes after every part (so that a failed load
	// costs no vendor call on the re-run, the parts being unchanged) and
	// before the manifest, which stays the last write: a failed load
	// leaves no manifest, and the next run loads the window again.
	if c.Loader != nil {
		if err := c.Loader.LoadWindow(ctx, w, b.records); err != nil {
			return res, fmt.Errorf("loading the window into the database (no manifest written; running again redoes the window): %w", err)
		}
		res.Loaded = true
	}

	if rejects != nil {
		m.RejectsObject = &rejects.Object
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return res, fmt.Errorf("encoding the manifest: %w", err)
	}
	if err := st.put(ctx, newContent(l.ManifestKey(), len(b.records), append(body, '\n'), "application/json"), true); err != nil {
		return res, err
	}
	log.Info("window written", "manifest", st.uri(l.ManifestKey()), "pages", res.Pages, "vendor_records", res.VendorRecords,
		"records", res.Records, "duplicates", res.Duplicates, "rejects", res.Rejects, "parts", nParts,
		"parts_written", res.PartsWritten, "parts_unchanged", res.PartsUnchanged, "stale_parts_deleted", res.StalePartsDeleted,
		"loaded", res.Loaded)
	return res, nil
}

// percent formats a fraction as a percentage with up to two decimals.
func percent(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 2, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// writeIfChanged puts c unless existing says its key holds an object of
// the same size whose recorded SHA-256 matches. It reports whether it
// wrote.
func writeIfChanged(ctx context.Context, st *store, c content, existing map[string]int64) (bool, error) {
	if size, ok := existing[c.Key]; ok && size == c.Bytes {
		same, err := st.sameContent(ctx, c.Key, c.SHA256)
		if err != nil {
			return false, err
		}
		if same {
			return false, nil
		}
	}
	return true, st.put(ctx, c, false)
}

// checkManifest reports whether the window's manifest exists and every
// object it lists is present with its size. An unreadable or incomplete
// manifest is deleted, so that no reader trusts the partition while the
// window is redone. It lists before it reads, so it never asks for a
// missing key (which S3 answers with 403 rather than 404 to a role whose
// s3:ListBucket is limited by prefix).
func checkManifest(ctx context.Context, st *store, l Layout, log *slog.Logger) (bool, error) {
	present, err := st.list(ctx, l.PartitionPrefix())
	if err != nil {
		return false, err
	}
	if _, ok := present[l.ManifestKey()]; !ok {
		return false, nil
	}
	body, err := st.get(ctx, l.ManifestKey(), maxManifestBytes)
	if err != nil || body == nil {
		return false, err
	}
	problem, err := manifestProblem(ctx, st, l, body, present)
	if err != nil {
		return false, err
	}
	if problem == "" {
		return true, nil
	}
	log.Warn("the window's manifest is invalid; deleting it and redoing the window", "manifest", st.uri(l.ManifestKey()), "problem", problem)
	return false, st.delete(ctx, l.ManifestKey())
}

// manifestProblem says what is wrong with a manifest, or "" if nothing;
// present lists the partition.
func manifestProblem(ctx context.Context, st *store, l Layout, body []byte, present map[string]int64) (string, error) {
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return "not valid JSON: " + err.Error(), nil
	}
	if m.Version != ManifestVersion {
		return fmt.Sprintf("version %d, want %d", m.Version, ManifestVersion), nil
	}
	if !m.From.Equal(l.Window.From) || !m.To.Equal(l.Window.To) {
		return fmt.Sprintf("window [%s, %s), want %s", m.From.Format(time.RFC3339), m.To.Format(time.RFC3339), l.Window), nil
	}
	records := 0
	for i, p := range m.Parts {
		if p.Key != l.PartKey(i) {
			return fmt.Sprintf("part %d is %q, want %q", i, p.Key, l.PartKey(i)), nil
		}
		if size, ok := present[p.Key]; !ok || size != p.Bytes {
			return fmt.Sprintf("part %s is missing or not %d bytes", p.Key, p.Bytes), nil
		}
		records += p.Records
	}
	if records != m.Records {
		return fmt.Sprintf("the parts hold %d records, the manifest says %d", records, m.Records), nil
	}
	if r := m.RejectsObject; r != nil {
		present, err := st.list(ctx, l.RejectsPrefix())
		if err != nil {
			return "", err
		}
		if size, ok := present[r.Key]; !ok || size != r.Bytes {
			return fmt.Sprintf("rejects object %s is missing or not %d bytes", r.Key, r.Bytes), nil
		}
	}
	return "", nil
}
