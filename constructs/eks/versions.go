package eks

import (
	"sort"
	"time"
)

// Version describes one Kubernetes version EKS offers.
type Version struct {
	// Name is the minor version, such as "1.35".
	Name string
	// Released is the day EKS made the version available (YYYY-MM-DD).
	Released string
	// EndOfStandard is the last day of standard support (YYYY-MM-DD).
	EndOfStandard string
	// EndOfExtended is the last day of extended support (YYYY-MM-DD).
	EndOfExtended string
}

// VersionsAsOf is the date the version and add-on tables below were last
// checked against the EKS release calendar and add-on pages. Validation
// compares with it, never with the clock, so that synth gives the same
// answer on every day and machine.
const VersionsAsOf = "2026-11-22"

// DefaultVersion is the Kubernetes version used when none is given: the
// newest version whose managed add-on versions are pinned in this package
// and whose standard support lasts at least DefaultVersionMinDays past
// VersionsAsOf (a STANDARD cluster is upgraded by EKS when standard support
// ends, after which every plan would try to downgrade it).
const DefaultVersion = "1.35"

// DefaultVersionMinDays is how many days of standard support the default
// version must have left on VersionsAsOf.
const DefaultVersionMinDays = 90

// versions are the versions a new cluster can be created with, as of
// VersionsAsOf, oldest first (EKS Kubernetes release calendar; 1.36 from the
// EKS add-on pages, which list it, and the calendar as quoted on
// 2026-09-08).
var versions = []Version{
	{Name: "1.31", Released: "2024-09-26", EndOfStandard: "2025-11-26", EndOfExtended: "2026-11-26"},
	{Name: "1.32", Released: "2025-01-23", EndOfStandard: "2026-03-23", EndOfExtended: "2027-03-23"},
	{Name: "1.33", Released: "2025-05-29", EndOfStandard: "2026-07-29", EndOfExtended: "2027-07-29"},
	{Name: "1.34", Released: "2025-10-02", EndOfStandard: "2026-12-02", EndOfExtended: "2027-12-02"},
	{Name: "1.35", Released: "2026-01-27", EndOfStandard: "2027-03-27", EndOfExtended: "2028-03-27"},
	{Name: "1.36", Released: "2026-06-02", EndOfStandard: "2027-08-02", EndOfExtended: "2028-08-02"},
}

// retiredVersions are versions EKS no longer creates, with the day their
// extended support ended.
var retiredVersions = map[string]string{
	"1.23": "2024-10-11", "1.24": "2025-01-31", "1.25": "2025-05-01", "1.26": "2025-06-11",
	"1.27": "2025-07-24", "1.28": "2025-11-26", "1.29": "2026-03-23", "1.30": "2026-07-23",
}

// addonVersions pins each managed add-on the construct installs by default,
// and the optional aws-efs-csi-driver, to a build published for each
// Kubernetes version (the EKS kube-proxy and CoreDNS add-on pages, and
// describe-addon-versions output quoted for vpc-cni, eks-pod-identity-agent
// and aws-ebs-csi-driver), so that an upgrade is a reviewed change in the
// snapshots rather than whatever "most recent" means on the day of the
// plan. Versions without an entry need AddonProps.Version.
//
// aws-efs-csi-driver: v2.3.1-eksbuild.1 is the build describe-addon-versions
// marks as default for 1.29 to 1.34 (a public engine's table of default
// builds, filled from that query) and the newest v2 build for 1.35
// (aws/containers-roadmap#2858, 2026-08-24; also pinned in a public 1.35
// cluster configuration of the UK Ministry of Justice). The newest build
// seen is v3.3.0-eksbuild.1 (June/July 2026, on 1.35 and 1.36 clusters), but
// it is not pinned: no source shows it published for 1.32 to 1.34, and from
// v3.0 to v3.4 the driver gives dynamically provisioned volumes handles
// ("efs:fs-...::fsap-...") that EKS Fargate cannot mount
// (kubernetes-sigs/aws-efs-csi-driver#1947, fixed in v3.5.0), which breaks
// clusters mixing node groups and Fargate. Set AddonProps.Version to move to
// v3 on purpose.
//
// amazon-cloudwatch-observability (installed by telemetry.NewMetrics, not
// by the cluster): v4.5.0-eksbuild.1, the build public cluster
// configurations pin on 1.34 and 1.35 (one quoting describe-addon-versions
// for 1.35); the add-on publishes each build for every supported
// Kubernetes version. v5.0.0 (a major version) is not pinned: its
// configuration schema has not been checked against the one
// telemetry.NewMetrics writes.
var addonVersions = map[string]map[string]string{
	"1.32": {
		AddonVPCCNI: "v1.22.4-eksbuild.3", AddonKubeProxy: "v1.32.13-eksbuild.16", AddonCoreDNS: "v1.11.4-eksbuild.40",
		AddonPodIdentity: "v1.3.10-eksbuild.3", AddonEBSCSIDriver: "v1.66.0-eksbuild.1", AddonEFSCSIDriver: "v2.3.1-eksbuild.1",
		AddonCloudWatchObservability: "v4.5.0-eksbuild.1",
	},
	"1.33": {
		AddonVPCCNI: "v1.22.4-eksbuild.3", AddonKubeProxy: "v1.33.10-eksbuild.13", AddonCoreDNS: "v1.12.4-eksbuild.18",
		AddonPodIdentity: "v1.3.10-eksbuild.3", AddonEBSCSIDriver: "v1.66.0-eksbuild.1", AddonEFSCSIDriver: "v2.3.1-eksbuild.1",
		AddonCloudWatchObservability: "v4.5.0-eksbuild.1",
	},
	"1.34": {
		AddonVPCCNI: "v1.22.4-eksbuild.3", AddonKubeProxy: "v1.34.6-eksbuild.13", AddonCoreDNS: "v1.13.2-eksbuild.11",
		AddonPodIdentity: "v1.3.10-eksbuild.3", AddonEBSCSIDriver: "v1.66.0-eksbuild.1", AddonEFSCSIDriver: "v2.3.1-eksbuild.1",
		AddonCloudWatchObservability: "v4.5.0-eksbuild.1",
	},
	"1.35": {
		AddonVPCCNI: "v1.22.4-eksbuild.3", AddonKubeProxy: "v1.35.3-eksbuild.13", AddonCoreDNS: "v1.14.3-eksbuild.3",
		AddonPodIdentity: "v1.3.10-eksbuild.3", AddonEBSCSIDriver: "v1.66.0-eksbuild.1", AddonEFSCSIDriver: "v2.3.1-eksbuild.1",
		AddonCloudWatchObservability: "v4.5.0-eksbuild.1",
	},
}

// SupportedVersions returns the versions a new cluster can be created with,
// as of VersionsAsOf, oldest first. Versions past standard support need
// SupportExtended.
func SupportedVersions() []Version { return append([]Version(nil), versions...) }

// AddonVersion returns the pinned version of a managed add-on for a
// Kubernetes version, or "" when the package pins none.
func AddonVersion(kubernetesVersion, addon string) string {
	return addonVersions[kubernetesVersion][addon]
}

// PinnedAddons returns the add-ons pinned for a Kubernetes version, sorted.
func PinnedAddons(kubernetesVersion string) []string {
	var out []string
	for name := range addonVersions[kubernetesVersion] {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func supportedVersionNames() []string {
	out := make([]string, len(versions))
	for i, v := range versions {
		out[i] = v.Name
	}
	return out
}

func findVersion(name string) *Version {
	for i := range versions {
		if versions[i].Name == name {
			return &versions[i]
		}
	}
	return nil
}

// daysBetween returns the whole days from a to b (YYYY-MM-DD), or 0 when
// either does not parse.
func daysBetween(a, b string) int {
	ta, err1 := time.Parse(time.DateOnly, a)
	tb, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}
