// Package kafka provides Cluster (NewCluster): an Amazon MSK provisioned
// cluster in a VPC's private subnets with IAM access control only, TLS
// between clients and brokers and between brokers, data volumes encrypted
// with a customer managed KMS key, broker logs in a CloudWatch log group with
// retention, per-broker metrics, safe broker settings (no automatic topic
// creation, replication factor 3 with two in-sync replicas, no unclean
// leader election) and protection from accidental destroy. Clients reach it
// through Connections (port IAMPort) and are granted topics, consumer
// groups and transactional ids with GrantTopics.
//
// The cluster is provisioned rather than MSK Serverless because Serverless
// cannot meet the library's encryption and logging rules: it encrypts data
// at rest only with a key AWS owns (there is no customer managed key to
// control or audit), it delivers no broker logs (only CloudWatch metrics),
// and its broker settings cannot be changed. Serverless also requires IAM
// access control, which this cluster uses as well, so clients written for
// one work with the other.
package kafka

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/mskcluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/mskconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/internal/cmk"
	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// IAMPort is the port brokers listen on for clients that authenticate with
// IAM over TLS (SASL/IAM). Open it with
// client.Connections().AllowTo(cluster, kafka.IAMPort, "why").
const IAMPort = 9098

// kafkaVersions are the MSK versions NewCluster accepts: those AWS
// documents as supported for new provisioned clusters with standard
// brokers, checked against the MSK developer guide ("Supported Apache Kafka
// versions") and the AWS CDK's msk-alpha KafkaVersion list. A version with
// ".kraft" runs in KRaft mode (metadata in Kafka controllers); the same
// version without it runs ZooKeeper, and a cluster cannot switch modes
// after creation. 3.6.0 and older are left out: their end-of-support dates
// have passed (3.6.0: 2026-06-01) and MSK stops creating clusters on such
// versions. The list is short on purpose; add a version here once MSK
// offers it.
var kafkaVersions = []string{
	"3.7.x", "3.7.x.kraft",
	"3.8.x", "3.8.x.kraft",
	"3.9.x", "3.9.x.kraft",
	"4.0.x.kraft",
	"4.1.x.kraft",
}

// BrokerLogGroupPrefix starts the name of a cluster's broker log group;
// the cluster's name ends it. Vended logs (which MSK broker logs are)
// belong under /aws/vendedlogs/.
const BrokerLogGroupPrefix = "/aws/vendedlogs/msk/"

const (
	defaultKafkaVersion   = "3.9.x.kraft"
	defaultInstanceType   = "kafka.m7g.large"
	defaultBrokersPerZone = 1
	defaultVolumeSizeGiB  = 100
	defaultLogRetention   = 90
	maxVolumeSizeGiB      = 16384
	// maxBrokersPerZone keeps the broker count sane (and its arithmetic
	// from overflowing); MSK's own quota is far lower unless raised.
	maxBrokersPerZone = 100
	// MSK spreads brokers over two or three Availability Zones, one
	// client subnet in each.
	minZones, maxZones = 2, 3
)

// ClusterProps configures a Cluster.
type ClusterProps struct {
	// Name is the MSK cluster name: 1-64 letters, digits and hyphens,
	// starting with a letter. It also names the log group
	// (/aws/vendedlogs/msk/<Name>), the configuration and the key alias.
	// Required.
	Name string
	// VPC is the network the brokers run in: one client subnet in each of
	// the VPC's first three private subnets (MSK spans two or three
	// Availability Zones; a VPC made by network.NewVPC has one private
	// subnet per zone). The private subnets of an imported VPC must be in
	// distinct zones, which cannot be checked before apply. Required.
	VPC *network.VPC
	// KafkaVersion is the MSK Kafka version. Versions ending in ".kraft" run
	// in KRaft mode, the others in ZooKeeper mode; one of 3.7.x,
	// 3.7.x.kraft, 3.8.x, 3.8.x.kraft, 3.9.x, 3.9.x.kraft, 4.0.x.kraft,
	// 4.1.x.kraft.
	// Default: "3.9.x.kraft"
	KafkaVersion string
	// InstanceType is the standard broker type, kafka.<family>.<size>.
	// Express brokers (express.*) are not supported: they have neither EBS
	// volume settings nor broker logs.
	// Default: "kafka.m7g.large"
	InstanceType string
	// BrokersPerZone is how many brokers run in each zone; the cluster has
	// zones x BrokersPerZone brokers, so the total is always the multiple
	// of the client subnet count that MSK requires. A total above MSK's
	// default quota (60 brokers per KRaft cluster, 30 with ZooKeeper) adds
	// a warning: request a higher quota first. At most 100.
	// Default: 1
	BrokersPerZone int
	// VolumeSizeGiB is the EBS storage of each broker, 1-16384 GiB. It can
	// grow later, never shrink.
	// Default: 100
	VolumeSizeGiB int
	// LogRetentionDays keeps broker logs this long; it must be a value
	// CloudWatch Logs accepts.
	// Default: 90
	LogRetentionDays int
	// KMSKeyARN encrypts the brokers' data volumes with an existing
	// customer managed key. It cannot be changed after creation.
	// Default: - a new KMS key with rotation (protected from destroy unless Disposable)
	KMSKeyARN string
	// Disposable drops prevent_destroy on the cluster, its key and its log
	// group, and deletes the key after 7 days instead of 30. Only for
	// scratch environments: destroying the cluster deletes every message.
	// Default: false
	Disposable bool
	// AlarmTopicARN is the SNS topic the cluster's alarms notify when they
	// fire and when they recover: offline partitions, and per broker disk
	// use and under-replicated partitions (see Signals). The alarms exist
	// either way.
	// Default: - alarms without notification
	AlarmTopicARN string
	// Tags are added to every resource that takes tags.
	// Default: - none
	Tags map[string]string
}

// Cluster is an MSK provisioned cluster with IAM access control.
type Cluster struct {
	constructs.Construct
	name          string
	brokers       int
	cluster       mskcluster.MskCluster
	configuration mskconfiguration.MskConfiguration
	key           kmskey.KmsKey
	kmsKeyARN     string
	securityGroup string
	connections   *network.Connections
	env           awsenv.Env
	alarms        []observe.Alarm // raised by watch (cluster_signals.go)
}

var (
	clusterNameRe  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,63}$`)
	instanceTypeRe = regexp.MustCompile(`^kafka\.[a-z0-9]+\.[a-z0-9]+$`)
	kmsKeyARNRe    = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)
)

// settings are the validated props with defaults applied.
type settings struct {
	ClusterProps
	subnets []string
}

func withDefaults(p ClusterProps) settings {
	s := settings{ClusterProps: p}
	if s.KafkaVersion == "" {
		s.KafkaVersion = defaultKafkaVersion
	}
	if s.InstanceType == "" {
		s.InstanceType = defaultInstanceType
	}
	if s.BrokersPerZone == 0 {
		s.BrokersPerZone = defaultBrokersPerZone
	}
	if s.VolumeSizeGiB == 0 {
		s.VolumeSizeGiB = defaultVolumeSizeGiB
	}
	if s.LogRetentionDays == 0 {
		s.LogRetentionDays = defaultLogRetention
	}
	if s.VPC != nil {
		s.subnets = s.VPC.PrivateSubnetIDs()
		if len(s.subnets) > maxZones {
			s.subnets = s.subnets[:maxZones]
		}
	}
	return s
}

// validate records every problem with the settings in r.
func (s settings) validate(r *validation.Report) {
	const nameRule = "1-64 letters, digits and hyphens, starting with a letter"
	switch {
	case s.Name == "":
		r.Addf("Name", "is empty; give the MSK cluster a name (%s)", nameRule)
	case !validation.IsToken(s.Name) && !clusterNameRe.MatchString(s.Name):
		r.Addf("Name", "%q is not an MSK cluster name (%s)", s.Name, nameRule)
	}
	if s.VPC == nil {
		r.Addf("VPC", "is nil; give the network.VPC whose private subnets the brokers run in")
	} else if n := len(s.VPC.PrivateSubnetIDs()); n < minZones {
		r.Addf("VPC", "%q has %d private subnet(s); MSK spreads brokers over %d or %d Availability Zones, so give a VPC with at least %d private subnets in distinct zones",
			s.VPC.Name(), n, minZones, maxZones, minZones)
	}
	if !validation.IsToken(s.KafkaVersion) && !validation.OneOf(s.KafkaVersion, kafkaVersions...) {
		r.Addf("KafkaVersion", "%q is not an MSK Kafka version for new clusters; use one of %v (\".kraft\" selects KRaft mode)", s.KafkaVersion, kafkaVersions)
	}
	if !validation.IsToken(s.InstanceType) && !instanceTypeRe.MatchString(s.InstanceType) {
		r.Addf("InstanceType", "%q is not an MSK standard broker instance type; use kafka.<family>.<size> such as %s", s.InstanceType, defaultInstanceType)
	}
	switch {
	case s.BrokersPerZone < 0:
		r.Addf("BrokersPerZone", "%d is negative; give at least 1 broker per zone", s.BrokersPerZone)
	case s.BrokersPerZone > maxBrokersPerZone:
		r.Addf("BrokersPerZone", "%d is more than %d; MSK's default quota is 30 brokers per cluster (60 in KRaft mode), raised on request, so %d per zone over three zones is already far beyond it",
			s.BrokersPerZone, maxBrokersPerZone, maxBrokersPerZone)
	}
	if s.VolumeSizeGiB < 1 || s.VolumeSizeGiB > maxVolumeSizeGiB {
		r.Addf("VolumeSizeGiB", "%d is outside 1-%d GiB, the EBS storage MSK allows per broker", s.VolumeSizeGiB, maxVolumeSizeGiB)
	}
	if !validation.LogRetention(s.LogRetentionDays) {
		r.Addf("LogRetentionDays", "%d is not a CloudWatch Logs retention; use one of %v", s.LogRetentionDays, validation.LogRetentionDays)
	}
	if s.KMSKeyARN != "" && !validation.IsToken(s.KMSKeyARN) && !kmsKeyARNRe.MatchString(s.KMSKeyARN) {
		r.Addf("KMSKeyARN", "%q is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>); MSK takes a key ARN, not an alias", s.KMSKeyARN)
	}
	s.checkAlarmTopic(r)
}

// brokers returns the number of broker nodes: one group per client subnet.
func (s settings) brokers() int { return len(s.subnets) * s.BrokersPerZone }

// replication returns the default replication factor and the minimum
// in-sync replicas: three copies with two in sync, or with fewer brokers
// as many copies as there are brokers and one fewer in sync (at least one).
func (s settings) replication() (factor, minInSync int) {
	factor = min(3, s.brokers())
	return factor, max(1, factor-1)
}

// serverProperties returns the broker settings, one per line in sorted
// order.
func (s settings) serverProperties() string {
	factor, minInSync := s.replication()
	return strings.Join([]string{
		// Topics exist because someone created them on purpose (see
		// TopicAccess.Create), never because a client mistyped a name.
		"auto.create.topics.enable=false",
		fmt.Sprintf("default.replication.factor=%d", factor),
		fmt.Sprintf("min.insync.replicas=%d", minInSync),
		"num.partitions=6",
		// An out-of-sync replica never becomes leader: no silent loss of
		// acknowledged messages.
		"unclean.leader.election.enable=false",
	}, "\n") + "\n"
}

// NewCluster validates props and creates the cluster with its security
// group, KMS key (unless KMSKeyARN is given), broker log group and broker
// configuration. Nothing is created when props are invalid: it returns
// every problem with props at once, joined, each a *validate.FieldError
// wrapping validate.ErrInvalid.
func NewCluster(scope constructs.Construct, id string, props ClusterProps) (*Cluster, error) {
	r := validation.ForConstruct("kafka", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	s := withDefaults(props)
	s.validate(r)
	if err := r.Err(); err != nil {
		return nil, err
	}

	env, err := awsenv.Of(scope)
	if err != nil {
		return nil, err
	}
	c := &Cluster{name: s.Name, brokers: s.brokers(), env: env}
	constructs.NewConstruct_Override(c, scope, &id)
	tags := ptr.Map(s.Tags)
	var protect *cdktf.TerraformResourceLifecycle
	if !s.Disposable {
		protect = &cdktf.TerraformResourceLifecycle{PreventDestroy: ptr.Bool(true)}
	}

	// MSK makes the brokers' network interfaces in the client subnets
	// with this group. Clients are admitted with Connections; brokers
	// answer on the connections clients open (security groups are
	// stateful) and replicate among themselves inside MSK, so the group
	// allows nothing out (Terraform removes AWS's default allow-all
	// egress rule).
	sg := securitygroup.NewSecurityGroup(c, ptr.String("security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(securityGroupPrefix(s.Name)),
		Description: ptr.String("Brokers of MSK cluster " + s.Name + ": clients admitted by Connections rules, nothing out"),
		VpcId:       ptr.String(s.VPC.VPCID()),
		Tags:        tags,
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	c.securityGroup = *sg.Id()
	c.connections = network.NewConnections(c, names.ID(id), c.securityGroup)

	c.kmsKeyARN = s.KMSKeyARN
	if c.kmsKeyARN == "" {
		c.kmsKeyARN = c.newKey(r, env, s)
	}

	// MSK delivers broker logs as vended logs: CloudWatch Logs grants the
	// delivery through the account's log resource policy, which is limited
	// to 5,120 characters; log groups under /aws/vendedlogs/ share one
	// wildcard statement instead of a statement each (AWS's advice for
	// vended logs), so more clusters fit before deliveries start failing.
	logs, err := loggroup.New(c, "broker-logs", loggroup.Props{
		Name:          BrokerLogGroupPrefix + s.Name,
		RetentionDays: s.LogRetentionDays,
		Tags:          tags,
		Lifecycle:     protect,
	})
	if err != nil {
		return nil, err
	}

	// The configuration's name and kafka_versions force a new
	// configuration, and MSK refuses to delete a configuration a cluster
	// still uses: create_before_destroy makes the new one first, the
	// cluster switches to it, then the old one goes. Names are unique per
	// account and Region, so the name carries the Kafka version (the only
	// input that replaces it); server property changes update it in place
	// as a new revision, which the cluster picks up through
	// latest_revision.
	c.configuration = mskconfiguration.NewMskConfiguration(c, ptr.String("configuration"), &mskconfiguration.MskConfigurationConfig{
		Name:             ptr.String(configurationName(s.Name, s.KafkaVersion)),
		Description:      ptr.String("Broker settings of MSK cluster " + s.Name),
		KafkaVersions:    ptr.Strings([]string{s.KafkaVersion}),
		ServerProperties: ptr.String(s.serverProperties()),
		Lifecycle:        &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})

	c.cluster = mskcluster.NewMskCluster(c, ptr.String("cluster"), &mskcluster.MskClusterConfig{
		ClusterName:         ptr.String(s.Name),
		KafkaVersion:        ptr.String(s.KafkaVersion),
		NumberOfBrokerNodes: ptr.Number(s.brokers()),
		BrokerNodeGroupInfo: &mskcluster.MskClusterBrokerNodeGroupInfo{
			ClientSubnets:  ptr.Strings(s.subnets),
			InstanceType:   ptr.String(s.InstanceType),
			SecurityGroups: ptr.Strings([]string{c.securityGroup}),
			StorageInfo: &mskcluster.MskClusterBrokerNodeGroupInfoStorageInfo{
				EbsStorageInfo: &mskcluster.MskClusterBrokerNodeGroupInfoStorageInfoEbsStorageInfo{VolumeSize: ptr.Number(s.VolumeSizeGiB)},
			},
		},
		EncryptionInfo: &mskcluster.MskClusterEncryptionInfo{
			EncryptionAtRestKmsKeyArn: ptr.String(c.kmsKeyARN),
			EncryptionInTransit: &mskcluster.MskClusterEncryptionInfoEncryptionInTransit{
				ClientBroker: ptr.String("TLS"),
				InCluster:    true,
			},
		},
		ClientAuthentication: &mskcluster.MskClusterClientAuthentication{
			Sasl:            &mskcluster.MskClusterClientAuthenticationSasl{Iam: true},
			Unauthenticated: false,
		},
		ConfigurationInfo: &mskcluster.MskClusterConfigurationInfo{
			Arn:      c.configuration.Arn(),
			Revision: c.configuration.LatestRevision(),
		},
		LoggingInfo: &mskcluster.MskClusterLoggingInfo{
			BrokerLogs: &mskcluster.MskClusterLoggingInfoBrokerLogs{
				CloudwatchLogs: &mskcluster.MskClusterLoggingInfoBrokerLogsCloudwatchLogs{Enabled: true, LogGroup: logs.Name()},
			},
		},
		EnhancedMonitoring: ptr.String("PER_BROKER"),
		Tags:               tags,
		Lifecycle:          protect,
	})
	c.watch(s)
	if quota := s.brokerQuota(); quota > 0 && s.brokers() > quota {
		cdktf.Annotations_Of(c).AddWarning(ptr.String(fmt.Sprintf("%s: %d brokers exceed MSK's default quota of %d brokers per cluster in %s; request a higher quota before apply",
			*c.Node().Path(), s.brokers(), quota, s.KafkaVersion)))
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// securityGroupPrefix is the name prefix of the brokers' group: the
// cluster name, cut to 40 characters unless it is a token, and "-msk-".
func securityGroupPrefix(cluster string) string {
	if !validation.IsToken(cluster) {
		cluster = names.Truncate(cluster, 40)
	}
	return cluster + "-msk-"
}

// brokerQuota returns MSK's default broker quota per cluster of standard
// brokers: 60 in KRaft mode, 30 with ZooKeeper (both raised on request),
// or 0 when the version is a token.
func (s settings) brokerQuota() int {
	switch {
	case validation.IsToken(s.KafkaVersion):
		return 0
	case strings.HasSuffix(s.KafkaVersion, ".kraft"):
		return 60
	}
	return 30
}

// configurationName is "<cluster name>-<Kafka version>" with '.' as '-',
// cut to 64 characters with a hash when longer. A token version is
// rewritten by Terraform's replace(); tokens are never cut.
func configurationName(cluster, version string) string {
	if validation.IsToken(version) {
		version = *cdktf.Token_AsString(cdktf.Fn_Replace(ptr.String(version), ptr.String("."), ptr.String("-")), nil)
	} else {
		version = strings.ReplaceAll(version, ".", "-")
	}
	if validation.IsToken(cluster) || validation.IsToken(version) {
		return cluster + "-" + version
	}
	return names.Fit(cluster+"-"+version, 64)
}

// newKey creates the key of the brokers' data volumes (cmk.New; MSK uses
// it through grants it creates with the deployer's permissions), protected
// like the cluster.
func (c *Cluster) newKey(r *validation.Report, env awsenv.Env, s settings) string {
	c.key = cmk.New(c, r, env, cmk.Props{
		Description: "Encrypts the data volumes of MSK cluster " + s.Name,
		Alias:       "alias/msk/" + s.Name,
		Tags:        s.Tags,
		Disposable:  s.Disposable,
	})
	return *c.key.Arn()
}

// Name returns the cluster's name (a token).
func (c *Cluster) Name() string { return *c.cluster.ClusterName() }

// ARN returns the cluster's ARN (a token), the resource of
// kafka-cluster:Connect.
func (c *Cluster) ARN() string { return *c.cluster.Arn() }

// UUID returns the cluster's UUID (the cluster_uuid attribute, a token),
// which topic, group and transactional-id ARNs contain.
func (c *Cluster) UUID() string { return *c.cluster.ClusterUuid() }

// BootstrapBrokersIAM returns the comma-separated host:port list clients
// connect to with SASL/IAM over TLS (port IAMPort), a token.
func (c *Cluster) BootstrapBrokersIAM() string { return *c.cluster.BootstrapBrokersSaslIam() }

// KMSKeyARN returns the key that encrypts the brokers' data volumes: the
// given KMSKeyARN or the cluster's own key.
func (c *Cluster) KMSKeyARN() string { return c.kmsKeyARN }

// SecurityGroupID returns the brokers' security group.
func (c *Cluster) SecurityGroupID() string { return c.securityGroup }

// Brokers returns the number of broker nodes.
func (c *Cluster) Brokers() int { return c.brokers }

// Connections returns the brokers' security group as a network.Connectable:
// client.Connections().AllowTo(cluster, kafka.IAMPort, "why") admits a
// client. The group admits nothing until then.
func (c *Cluster) Connections() *network.Connections { return c.connections }

// TopicARN returns the ARN of a topic of this cluster, or of the topics
// starting with a prefix when topic ends in "*":
// arn:<partition>:kafka:<region>:<account>:topic/<cluster name>/<cluster uuid>/<topic>.
func (c *Cluster) TopicARN(topic string) string { return c.resourceARN("topic", topic) }

// GroupARN returns the ARN of a consumer group of this cluster, or of the
// groups starting with a prefix when group ends in "*":
// arn:<partition>:kafka:<region>:<account>:group/<cluster name>/<cluster uuid>/<group>.
func (c *Cluster) GroupARN(group string) string { return c.resourceARN("group", group) }

// TransactionalIDARN returns the ARN of a transactional id of this cluster,
// or of the ids starting with a prefix when id ends in "*":
// arn:<partition>:kafka:<region>:<account>:transactional-id/<cluster name>/<cluster uuid>/<id>.
func (c *Cluster) TransactionalIDARN(id string) string {
	return c.resourceARN("transactional-id", id)
}

func (c *Cluster) resourceARN(kind, name string) string {
	return "arn:" + c.env.Partition + ":kafka:" + c.env.Region + ":" + c.env.Account + ":" + kind + "/" + c.name + "/" + c.UUID() + "/" + name
}

// Key returns the cluster's own KMS key, or nil when it uses a given
// KMSKeyARN, as an escape hatch.
func (c *Cluster) Key() kmskey.KmsKey { return c.key }

// Configuration returns the aws_msk_configuration holding the broker
// settings, as an escape hatch.
func (c *Cluster) Configuration() mskconfiguration.MskConfiguration { return c.configuration }

// Resource returns the aws_msk_cluster resource as an escape hatch.
func (c *Cluster) Resource() mskcluster.MskCluster { return c.cluster }
