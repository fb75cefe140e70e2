package database_test

import (
	"slices"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/database"
)

func TestEngineMajorVersionsIsACopy(t *testing.T) {
	want := []string{"15", "16", "17", "18"}
	got := database.EngineMajorVersions()
	if !slices.Equal(got, want) {
		t.Fatalf("EngineMajorVersions() = %v, want %v", got, want)
	}
	got[0] = "9"
	if again := database.EngineMajorVersions(); !slices.Equal(again, want) {
		t.Errorf("changing the returned slice changed the accepted versions: %v", again)
	}
}
