// Package job is the hourly price ETL that the etljob stack runs as an ECS
// Fargate task: it reads one hour of price records from the vendor's HTTP
// API, validates and normalizes them, and writes partitioned JSON Lines to
// S3, idempotently. The binary is cmd/etljob; it reads its configuration
// from the environment (see the Env... constants and ConfigFromEnv).
//
// # Window
//
// A run processes the full UTC hour before the hour containing its
// scheduled time: SCHEDULED_TIME 2026-11-22T10:00:05Z processes
// [09:00, 10:00). EventBridge Scheduler passes the same
// <aws.scheduler.scheduled-time> to every retry of one invocation, so a
// retry processes the same window. Without SCHEDULED_TIME the current time
// is used. A window that has not ended yet is refused.
//
// # Vendor API contract
//
//	GET {VENDOR_URL}/v1/prices?from=<RFC 3339>&to=<RFC 3339>&limit=<N>[&cursor=<C>]
//	X-API-Key: <VENDOR_API_KEY>
//
// from is inclusive, to exclusive, both in UTC; limit is the page size
// (1..1000). A 200 response is a JSON object
//
//	{"data":[{"id":"p-1","symbol":"aapl","price":"189.1200","currency":"usd",
//	          "timestamp":"2026-11-22T09:15:00+01:00","volume":1200}, ...],
//	 "next_cursor":"opaque"}
//
// and the next page is requested with cursor=<next_cursor>; an empty or
// missing next_cursor ends the listing. A cursor the vendor returns twice is
// an error (the listing would never end). Unknown record fields are ignored.
//
// Failures: 429 and 5xx responses, network errors, bodies cut short and
// bodies that are not the JSON above are transient. They are retried, up to
// MaxAttempts attempts per page, after the Retry-After the vendor gave (in
// seconds or as an HTTP date, at most MaxRetryAfter) or else after an
// exponential backoff (BackoffBase doubling per attempt up to BackoffMax)
// with jitter: each wait is uniformly random in [d/2, d). Any other 4xx is
// fatal at once; 401 and 403 say the API key was rejected. The key is never
// logged nor put in an error.
//
// # Records
//
// Each record is validated and normalized by Normalize; a record that fails
// is a reject, written with its raw JSON and the reason, never dropped:
//
//   - id: a non-empty JSON string of at most 128 bytes without control
//     characters, kept as is. Ids are unique within the window: a record
//     whose id was already seen with the same normalized content is a
//     duplicate delivery and is dropped silently (counted in the manifest
//     as duplicates); with different content the later one, in the vendor's
//     listing order, is a reject. Only valid records claim an id.
//   - symbol: 1 to 12 characters of A-Z, a-z, 0-9, '.', '-'; upper-cased.
//   - price: a JSON string holding a positive plain decimal ("189.1200",
//     "0.5"; not "1e3", "-1", ".5", "+1" or a JSON number, which would have
//     gone through a float) with at most 18 integer and 8 fractional digits.
//     It never goes through float64: the canonical form drops leading zeros
//     of the integer part and trailing zeros of the fraction ("0189.1200"
//     becomes "189.12", "5.000" becomes "5").
//   - currency: three ASCII letters, upper-cased. The code is checked for
//     shape only, not against a list of ISO 4217 codes: the list changes
//     (VED in 2021, ZWG in 2024) and a stale copy in the image would reject
//     a whole valid feed; consumers join against their reference data.
//   - timestamp: an RFC 3339 JSON string, normalized to UTC, inside the
//     window [from, to).
//   - volume: a non-negative integer JSON number (not "12", 1.0 or 1e3).
//
// If more than MaxRejectRatio of the records received are rejects, the feed
// is considered broken: the rejects are written, nothing else is, and the
// run fails with ErrRejectRatio.
//
// # Output
//
// With prefix P and the window's UTC date D and hour H:
//
//	P/date=D/hour=H/part-00000.jsonl   cleaned records, RecordsPerPart per part
//	P/date=D/hour=H/_manifest.json     written last; see Manifest
//	P-rejects/date=D/hour=H/rejects.jsonl  one Reject per line (absent if none)
//
// Records are sorted by timestamp, then id, and split into parts of
// RecordsPerPart records, so the same input always yields byte-identical
// objects under the same keys. Readers trust a partition only when its
// manifest exists, and read exactly the parts it lists.
//
// # Idempotency
//
// A run first lists the partition and reads the manifest. If it exists, is
// for this window and every object it lists is present with its size, the
// run does nothing. Otherwise
// (an invalid manifest is deleted first) it reads every page of the window
// into memory, then writes: each part whose key already holds an object with
// the same SHA-256 (kept in the object's "sha256" metadata) is skipped, the
// others are put with Content-MD5 and x-amz-checksum-sha256; parts numbered beyond the new count, left by an earlier
// run whose input had more records, are deleted; then the rejects object;
// then the manifest, with If-None-Match: * so that a concurrent run cannot
// be silently overwritten. A failure at any point leaves no manifest, and
// the next run rewrites the window into the same objects; once the manifest
// exists the partition is complete. Two runs of the same window must not
// overlap (the schedule runs one task per hour); if they do, the later
// manifest write fails rather than describing parts the other run wrote.
//
// # Memory
//
// One hour of the price feed is assumed to fit in memory: the job holds the
// whole window's normalized records (to sort them and to write nothing
// before every page was read), about 270 bytes per record measured with
// typical ids, while raw bytes are dropped as each record is checked and
// parts are encoded one at a time. MaxRecords (default 2,000,000) caps it;
// a window with more records fails with ErrTooManyRecords before anything
// is written. At the cap the live heap is about 550 MiB, so a 1 GiB task
// should set GOMEMLIMIT (e.g. 800MiB) and a 2 GiB task needs nothing.
// Nothing is ever written to local disk.
package job
