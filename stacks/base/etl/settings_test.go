package etl_test

import (
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/base/etl"
)

func TestETLSettings(t *testing.T) {
	env := map[string]string{
		etl.EnvETLImage:     "123456789012.dkr.ecr.eu-west-1.amazonaws.com/etljob/job:2026.11.2",
		etl.EnvETLVendorURL: "https://prices.vendor.test/api",
	}
	s, err := base.FromEnvironment(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := etl.SettingsFrom(s)
	if e.ETLImage != env[etl.EnvETLImage] || e.ETLVendorURL != env[etl.EnvETLVendorURL] || e.Validate("x") != nil {
		t.Fatalf("settings %+v, %v", e, e.Validate("x"))
	}
	if got := etl.SettingsFrom(base.Settings{}); got.ETLVendorURL != etl.DefaultETLVendorURL || got.ETLImage != "" {
		t.Errorf("defaults = %q, %q", got.ETLVendorURL, got.ETLImage)
	}
	if err := (etl.Settings{ETLImage: "ghcr.io/acme/job@sha256:" + strings.Repeat("a", 64)}).WithDefaults().Validate("x"); err != nil {
		t.Errorf("digest image refused: %v", err)
	}
	for _, bad := range []string{"http://prices.vendor.test", "https://prices.vendor.test/", "https://user:pw@prices.vendor.test"} {
		err := etl.Settings{ETLVendorURL: bad}.WithDefaults().Validate("x")
		if err == nil || !strings.Contains(err.Error(), `stack "x": ETLVendorURL (HYBRIDSTACK_ETL_VENDOR_URL) "`+bad+`" is not an https:// URL`) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
	for _, bad := range []string{"etljob/job", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/etljob/job", "repo/job:latest tag"} {
		err := etl.Settings{ETLImage: bad}.WithDefaults().Validate("x")
		if err == nil || !strings.Contains(err.Error(), `stack "x": ETLImage (HYBRIDSTACK_ETL_IMAGE) "`+bad+`" is not an image reference with a tag or digest`) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}
