package grant_test

import (
	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// Every grantee the library makes satisfies the interface (a compile-time
// check; behaviour is tested with each construct).
var (
	_ grant.Grantee = (*serverless.Handler)(nil)
	_ grant.Grantee = (*eks.ServiceAccountRole)(nil)
	_ grant.Grantee = (*eks.PodIdentityRole)(nil)
)
