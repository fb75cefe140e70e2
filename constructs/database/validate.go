package database

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

var (
	engineVersionRe = regexp.MustCompile(`^([0-9]+)(\.[0-9]+)?$`)
	instanceClassRe = regexp.MustCompile(`^db\.[a-z][a-z0-9-]*\.[a-z0-9-]+$`)
	// pgNameRe is what RDS accepts as a database name (1-63) and, cut to
	// 16, as a master user name.
	pgNameRe    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	kmsKeyARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)
	// backupWindowRe is "hh24:mi-hh24:mi".
	backupWindowRe = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$`)
	// maintenanceWindowRe is "ddd:hh24:mi-ddd:hh24:mi".
	maintenanceWindowRe = regexp.MustCompile(`^(?i)(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])$`)
)

const (
	maxIdentifierLen   = 63
	maxDatabaseNameLen = 63
	// maxMasterUsernameLen is the CreateDBInstance limit for RDS
	// instances ("1 to 16 letters, numbers, or underscores"), shorter than
	// PostgreSQL's own 63.
	maxMasterUsernameLen = 16
	minutesPerDay        = 24 * 60
	minutesPerWeek       = 7 * minutesPerDay
	minWindowMinutes     = 30
)

// reservedWords are PostgreSQL's reserved key words (those the SQL key
// words appendix marks "reserved" or "reserved (can be function or
// type)"), which RDS refuses as database and user names.
var reservedWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization
		binary both case cast check collate collation column concurrently constraint create cross
		current_catalog current_date current_role current_schema current_time current_timestamp
		current_user default deferrable desc distinct do else end except false fetch for foreign
		freeze from full grant group having ilike in initially inner intersect into is isnull join
		lateral leading left like limit localtime localtimestamp natural not notnull null offset on
		only or order outer overlaps placing primary references returning right select session_user
		similar some symmetric system_user table tablesample then to trailing true union unique user
		using variadic verbose when where window with`) {
		reservedWords[w] = true
	}
}

// existingDatabases always exist in an RDS for PostgreSQL instance.
var existingDatabases = []string{"postgres", "rdsadmin", "template0", "template1"}

// reservedUsers are refused as master user names: RDS's own roles, the
// role every user belongs to, the engine's reserved "admin" for
// PostgreSQL on RDS, and "postgres" (see PostgresProps.MasterUsername).
var reservedUsers = []string{"admin", "postgres", "public", "rdsadmin", "rdsproxyadmin", "rdsrepladmin", "rdstopmgr"}

// validate records every problem with the settings in r.
func (s settings) validate(r *validation.Report) {
	if s.Name != "" && !validation.IsToken(s.Name) {
		if problem := identifierProblem(s.Name); problem != "" {
			r.Addf("Name", "%q %s (1-63 lowercase letters, digits and hyphens, starting with a letter, without a trailing hyphen or \"--\")", s.Name, problem)
		}
	}
	if s.VPC == nil {
		r.Addf("VPC", "is nil; give the network.VPC whose private subnets the instance runs in")
	} else if n := len(s.VPC.PrivateSubnetIDs()); n < 2 {
		r.Addf("VPC", "%q has %d private subnet(s); an RDS subnet group needs subnets in at least two Availability Zones", s.VPC.Name(), n)
	}
	if !validation.IsToken(s.EngineVersion) {
		if m := engineVersionRe.FindStringSubmatch(s.EngineVersion); m == nil || !slices.Contains(engineMajorVersions, m[1]) {
			r.Addf("EngineVersion", "%q is not a PostgreSQL version NewPostgres creates; give a major version of %v (RDS picks its minor version) or a \"major.minor\" such as \"17.7\"",
				s.EngineVersion, engineMajorVersions)
		}
	}
	if !validation.IsToken(s.InstanceClass) {
		switch {
		case !instanceClassRe.MatchString(s.InstanceClass):
			r.Addf("InstanceClass", "%q is not a DB instance class; use db.<family>.<size> such as %s", s.InstanceClass, defaultInstanceClass)
		case noPerformanceInsights(s.InstanceClass):
			r.Addf("InstanceClass", "%q does not support Performance Insights, which NewPostgres always turns on; use db.t4g.medium or larger", s.InstanceClass)
		}
	}
	if s.AllocatedStorageGiB < minAllocatedGiB || s.AllocatedStorageGiB > maxAllocatedGiB {
		r.Addf("AllocatedStorageGiB", "%d is outside %d-%d GiB, the gp3 storage RDS for PostgreSQL allows", s.AllocatedStorageGiB, minAllocatedGiB, maxAllocatedGiB)
	}
	switch m := s.MaxAllocatedStorageGiB; {
	case s.DisableStorageAutoscaling && m != 0:
		r.Addf("MaxAllocatedStorageGiB", "%d is set together with DisableStorageAutoscaling; choose one", m)
	case m < 0 || m > maxAllocatedGiB:
		r.Addf("MaxAllocatedStorageGiB", "%d is outside 0-%d GiB (0 for the default)", m, maxAllocatedGiB)
	case m != 0 && s.AllocatedStorageGiB >= minAllocatedGiB && m < minMaxStorage(s.AllocatedStorageGiB):
		r.Addf("MaxAllocatedStorageGiB", "%d is less than %d GiB; RDS requires the autoscaling ceiling to be at least 10%% more than AllocatedStorageGiB %d",
			m, minMaxStorage(s.AllocatedStorageGiB), s.AllocatedStorageGiB)
	}
	s.checkDatabaseName(r)
	s.checkMasterUsername(r)
	if s.KMSKeyARN != "" && !validation.IsToken(s.KMSKeyARN) && !kmsKeyARNRe.MatchString(s.KMSKeyARN) {
		r.Addf("KMSKeyARN", "%q is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>); RDS needs the key's ARN, not an alias", s.KMSKeyARN)
	}
	switch {
	case s.DisableBackups && !s.Disposable:
		r.Addf("DisableBackups", "is set without Disposable; a database that is not disposable keeps automated backups (BackupRetentionDays 1-%d)", maxBackupDays)
	case s.DisableBackups && s.BackupRetentionDays != 0:
		r.Addf("BackupRetentionDays", "%d is set together with DisableBackups; choose one", s.BackupRetentionDays)
	case !s.DisableBackups && (s.BackupRetentionDays < 1 || s.BackupRetentionDays > maxBackupDays):
		r.Addf("BackupRetentionDays", "%d is outside 1-%d days, the automated backup retention RDS allows (DisableBackups, with Disposable, turns backups off)", s.BackupRetentionDays, maxBackupDays)
	}
	s.checkWindows(r)
	if !validation.LogRetention(s.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", s.LogRetentionDays, validation.LogRetentionDays)
	}
	s.checkAlarmTopic(r)
	for _, k := range ptr.SortedKeys(s.Tags) {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			r.Addf("Tags", "key %q uses the reserved aws: prefix", k)
		}
	}
}

// identifierProblem says what is wrong with a DB instance identifier, or
// "".
func identifierProblem(id string) string {
	switch {
	case len(id) > maxIdentifierLen:
		return fmt.Sprintf("has %d characters", len(id))
	case id[0] < 'a' || id[0] > 'z':
		return "does not start with a lowercase letter"
	case strings.HasSuffix(id, "-"):
		return "ends with a hyphen"
	case strings.Contains(id, "--"):
		return "contains \"--\""
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Sprintf("contains %q", c)
		}
	}
	return ""
}

// noPerformanceInsights reports the instance classes Performance Insights
// (Database Insights) does not support.
func noPerformanceInsights(class string) bool {
	return strings.HasPrefix(class, "db.t2.") || validation.OneOf(class, "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small")
}

func (s settings) checkDatabaseName(r *validation.Report) {
	n := s.DatabaseName
	const rule = "1-63 letters, digits and underscores, starting with a letter"
	switch {
	case validation.IsToken(n):
	case len(n) > maxDatabaseNameLen || !pgNameRe.MatchString(n):
		r.Addf("DatabaseName", "%q is not a database name RDS accepts (%s)", n, rule)
	case reservedWords[strings.ToLower(n)]:
		r.Addf("DatabaseName", "%q is a PostgreSQL reserved word; choose another name", n)
	case slices.Contains(existingDatabases, strings.ToLower(n)):
		r.Addf("DatabaseName", "%q always exists in an RDS for PostgreSQL instance (%s); name the application's database", n, strings.Join(existingDatabases, ", "))
	}
}

func (s settings) checkMasterUsername(r *validation.Report) {
	u := s.MasterUsername
	lower := strings.ToLower(u)
	switch {
	case validation.IsToken(u):
	case len(u) > maxMasterUsernameLen || !pgNameRe.MatchString(u):
		r.Addf("MasterUsername", "%q is not a master user name RDS accepts (1-%d letters, digits and underscores, starting with a letter)", u, maxMasterUsernameLen)
	case reservedWords[lower]:
		r.Addf("MasterUsername", "%q is a PostgreSQL reserved word; choose another name such as %q", u, defaultMasterUsername)
	case lower == "postgres":
		r.Addf("MasterUsername", "%q is the engine's well-known default superuser, the first name password guessing tries (Security Hub RDS.25); choose another such as %q", u, defaultMasterUsername)
	case slices.Contains(reservedUsers, lower) || strings.HasPrefix(lower, "pg_") || strings.HasPrefix(lower, "rds_"):
		r.Addf("MasterUsername", "%q is reserved by RDS or PostgreSQL (%s, and names starting with pg_ or rds_); choose another such as %q",
			u, strings.Join(reservedUsers, ", "), defaultMasterUsername)
	}
}

// window is a time range in minutes from the start of a day (backup) or of
// Monday 00:00 UTC (maintenance).
type window struct{ start, length int }

// overlaps reports whether two windows on a circle of size period share
// a minute or touch.
func overlaps(a, b window, period int) bool {
	for _, shift := range []int{-period, 0, period} {
		bs := b.start + shift
		if a.start <= bs+b.length && bs <= a.start+a.length {
			return true
		}
	}
	return false
}

func (s settings) checkWindows(r *validation.Report) {
	var backup, maintenance *window
	if !validation.IsToken(s.BackupWindow) {
		if m := backupWindowRe.FindStringSubmatch(s.BackupWindow); m == nil {
			r.Addf("BackupWindow", "%q is not a daily UTC window \"hh24:mi-hh24:mi\" such as %q", s.BackupWindow, defaultBackupWindow)
		} else {
			w := span(clock(m[1], m[2]), clock(m[3], m[4]), minutesPerDay)
			if w.length < minWindowMinutes {
				r.Addf("BackupWindow", "%q is %d minutes; RDS requires at least %d", s.BackupWindow, w.length, minWindowMinutes)
			} else {
				backup = &w
			}
		}
	}
	if !validation.IsToken(s.MaintenanceWindow) {
		if m := maintenanceWindowRe.FindStringSubmatch(s.MaintenanceWindow); m == nil {
			r.Addf("MaintenanceWindow", "%q is not a weekly UTC window \"ddd:hh24:mi-ddd:hh24:mi\" (days mon-sun) such as %q", s.MaintenanceWindow, defaultMaintenanceWindow)
		} else {
			w := span(weekday(m[1])*minutesPerDay+clock(m[2], m[3]), weekday(m[4])*minutesPerDay+clock(m[5], m[6]), minutesPerWeek)
			switch {
			case w.length < minWindowMinutes:
				r.Addf("MaintenanceWindow", "%q is %d minutes; RDS requires at least %d", s.MaintenanceWindow, w.length, minWindowMinutes)
			case w.length > minutesPerDay:
				r.Addf("MaintenanceWindow", "%q is %d hours %d minutes; keep it within 24 hours", s.MaintenanceWindow, w.length/60, w.length%60)
			default:
				maintenance = &w
			}
		}
	}
	if backup == nil || maintenance == nil || s.DisableBackups {
		return
	}
	// The backup window recurs every day: compare each day's.
	for day := range 7 {
		b := window{start: day*minutesPerDay + backup.start, length: backup.length}
		if overlaps(b, *maintenance, minutesPerWeek) {
			r.Addf("MaintenanceWindow", "%q overlaps or touches the daily BackupWindow %q; RDS requires them apart", s.MaintenanceWindow, s.BackupWindow)
			return
		}
	}
}

// span is the window from start to end on a circle of size period; an
// end before the start wraps around (past midnight, or past Sunday).
func span(start, end, period int) window {
	return window{start: start, length: ((end-start)%period + period) % period}
}

func clock(h, m string) int {
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	return hh*60 + mm
}

func weekday(d string) int {
	return slices.Index([]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, strings.ToLower(d))
}

var nonIdentifier = regexp.MustCompile(`[^a-z0-9]+`)

// identifierFromPath makes a DB instance identifier from a construct path:
// lowercased, other characters as single hyphens, "db-" in front when it
// would not start with a letter, and cut to 63 characters with a hash.
func identifierFromPath(path string) string {
	id := strings.Trim(nonIdentifier.ReplaceAllString(strings.ToLower(names.FromPath(path)), "-"), "-")
	if id == "" || id[0] < 'a' || id[0] > 'z' {
		id = strings.TrimSuffix("db-"+id, "-")
	}
	return names.Fit(id, maxIdentifierLen)
}

var nonDatabaseName = regexp.MustCompile(`[^a-z0-9]+`)

// databaseNameFromID makes a database name from a construct id:
// lowercased, other characters as single underscores, "db_" in front when
// it would not start with a letter, "_db" behind when it is reserved or
// always exists, and cut to 63 characters with a hash.
func databaseNameFromID(id string) string {
	n := strings.Trim(nonDatabaseName.ReplaceAllString(strings.ToLower(id), "_"), "_")
	if n == "" || n[0] < 'a' || n[0] > 'z' {
		n = strings.TrimSuffix("db_"+n, "_")
	}
	if reservedWords[n] || slices.Contains(existingDatabases, n) {
		n += "_db"
	}
	if len(n) > maxDatabaseNameLen {
		sum := sha256.Sum256([]byte(n))
		h := hex.EncodeToString(sum[:4])
		n = strings.TrimRight(n[:maxDatabaseNameLen-len(h)-1], "_") + "_" + h
	}
	return n
}
