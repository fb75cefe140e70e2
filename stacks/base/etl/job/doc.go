// Package job is the hourly price ETL that the etljob stack runs as an ECS
// Fargate task: it reads one hour of price records from the vendor's HTTP
// API, validates and normalizes them, and writes partitioned JSON Lines to
// S3, idempotently; when the DATABASE_... variables are set it also loads
// each window into a PostgreSQL table (see the Database section). The
// binary is cmd/etljob; it reads its configuration from the environment
// (see the Env... constants and ConfigFromEnv).
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
// exists the partition is complete. With a database, the window is loaded
// after the rejects object and before the manifest (see the Database
// section). Two runs of the same window must not overlap (the schedule
// runs one task per hour); if they do, the later manifest write fails
// rather than describing parts the other run wrote (their database loads
// serialize on the window's lock, and the last one wins whole).
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
// Nothing is ever written to local disk. The database load streams the
// records to COPY row by row, without another copy of the window.
//
// # Database
//
// The variables DATABASE_HOST, DATABASE_PORT, DATABASE_NAME and
// DATABASE_USER, with one credential, DATABASE_PASSWORD or
// DATABASE_IAM_AUTH=true, are all set or all unset (the etljob stack sets
// them when it creates its RDS for PostgreSQL database: its own user
// etljob with IAM authentication, never the master user). All set: the
// run also loads each window into PostgreSQL (Config.Database, and a
// Loader made by NewPostgresLoader). None: S3 only. Some: a configuration
// error naming the missing ones. With DATABASE_IAM_AUTH=true each
// connection's password is a fresh RDS IAM authentication token
// (RDSIAMAuthToken, valid 15 minutes), signed with the task role's
// credentials in AWS_REGION; the role needs rds-db:connect on the user and
// the user the rds_iam role.
//
// The load comes after every part and the rejects object are written and
// before the manifest, which stays the last write. A failed load fails
// the run with no manifest, so the next run of the window (its parts
// unchanged, hence skipped) loads it again; a window whose manifest exists
// is not loaded again. Between a load's commit and the manifest's write
// the table can hold a window whose manifest does not exist yet; if that
// write fails, the next run replaces the rows with the same ones.
//
// The table (default prices; created by the first load if missing) is
//
//	CREATE TABLE prices (
//	    id           text          NOT NULL,
//	    symbol       text          NOT NULL,
//	    price        numeric(38,8) NOT NULL CHECK (price > 0),
//	    currency     char(3)       NOT NULL,
//	    ts           timestamptz   NOT NULL,
//	    volume       bigint        NOT NULL CHECK (volume >= 0),
//	    window_start timestamptz   NOT NULL,
//	    loaded_at    timestamptz   NOT NULL DEFAULT now(),
//	    PRIMARY KEY (window_start, id),
//	    CHECK (ts >= window_start AND ts < window_start + interval '1 hour'));
//	CREATE INDEX prices_symbol_ts_idx ON prices (symbol, ts);
//
// Each window is one transaction: a transaction-scoped advisory lock on
// the window (pg_advisory_xact_lock, so overlapping runs of one hour
// serialize), the table created if missing (under a lock of its own, so
// that two first loads do not collide in the catalog; once it exists, no
// DDL runs and no CREATE privilege is needed), DELETE of the window's
// rows, COPY of its records, COMMIT. Re-running a window replaces it
// exactly: no row twice, no row of an earlier, larger input left, and
// other windows untouched. Loading the same window with the same records
// is a no-op apart from loaded_at. Connection errors, serialization
// failures and deadlocks (SQLSTATE 40001, 40P01) retry the whole
// transaction on a new connection, a bounded number of times; constraint
// violations and other errors do not (see NewPostgresLoader).
//
// Prices stay exact: the canonical decimal string is parsed into a
// PostgreSQL numeric (digits and a decimal exponent), never through a
// float; numeric(38,8) holds every price Normalize accepts. timestamptz
// holds microseconds: a timestamp with more digits is truncated (so it
// stays in its window); the parts keep it whole.
//
// The connection is built from its parts, never from a connection string,
// and the password (or token) is never logged nor put in an error. TLS is
// required and verified (sslmode=verify-full): the server's certificate
// must chain to the Amazon RDS CA bundle embedded in the program
// (rds-ca-bundle.pem, RDSRootCAs) and name DATABASE_HOST. DATABASE_CA_FILE
// replaces the bundle with a PEM file of one's own (a Region newer than
// the embedded bundle, a local server in tests). The session has a statement_timeout and an
// idle_in_transaction_session_timeout (StatementTimeout, 5 minutes) and
// each attempt a client-side bound (AttemptTimeout, 15 minutes); the
// connection has ConnectTimeout (15 seconds).
package job
