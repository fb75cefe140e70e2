package etl

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hybridstack/hybridstack/stacks/base"
)

// Settings are the ETL job's settings in the options of the stacks that
// run it (etljob, fintech). The zero value of a field means its default.
type Settings struct {
	// ETLImage is the image the hourly ETL job runs: a full reference
	// such as <account>.dkr.ecr.<region>.amazonaws.com/etljob/job:2026.11.1.
	// Default: - the stack's own ECR repository, tagged ImageTag
	ETLImage string
	// ETLVendorURL is the vendor API the ETL job pulls prices from. The
	// default is a placeholder that resolves nowhere: runs fail (and raise
	// the failed-run alarm) until it is set.
	// Default: DefaultETLVendorURL
	ETLVendorURL string
}

// DefaultETLVendorURL is the placeholder ETLVendorURL (example.com is
// reserved for documentation).
const DefaultETLVendorURL = "https://api.vendor.example.com"

// Environment variables and cdktf context keys that set Settings. The
// environment wins over the context.
const (
	EnvETLImage     = "HYBRIDSTACK_ETL_IMAGE"
	EnvETLVendorURL = "HYBRIDSTACK_ETL_VENDOR_URL"

	CtxETLImage     = "etlImage"
	CtxETLVendorURL = "etlVendorUrl"
)

// SettingsFrom reads Settings where s reads its own (s.Lookup: the
// environment, then the cdktf context), with defaults filled in.
func SettingsFrom(s base.Settings) Settings {
	return Settings{
		ETLImage:     s.Lookup.Get(EnvETLImage, CtxETLImage),
		ETLVendorURL: s.Lookup.Get(EnvETLVendorURL, CtxETLVendorURL),
	}.WithDefaults()
}

// WithDefaults returns e with defaults filled in.
func (e Settings) WithDefaults() Settings {
	if e.ETLVendorURL == "" {
		e.ETLVendorURL = DefaultETLVendorURL
	}
	return e
}

// imageRe is an image reference ending in a tag or a digest.
var imageRe = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$`)

// Validate reports every problem with e for stack, naming the environment
// variable that sets each field.
func (e Settings) Validate(stack string) error {
	var errs []error
	addf := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("stack %q: %s %s", stack, field, fmt.Sprintf(format, args...)))
	}
	if u := e.ETLVendorURL; u != "" && (!strings.HasPrefix(u, "https://") || strings.HasSuffix(u, "/") || strings.ContainsAny(u, " @")) {
		addf("ETLVendorURL", "(%s) %q is not an https:// URL without credentials or a trailing '/', such as %s", EnvETLVendorURL, u, DefaultETLVendorURL)
	}
	if img := e.ETLImage; img != "" && (strings.ContainsAny(img, " \t") || !imageRe.MatchString(img)) {
		addf("ETLImage", "(%s) %q is not an image reference with a tag or digest, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/etljob/job:2026.11.1", EnvETLImage, img)
	}
	return errors.Join(errs...)
}
