package kafka_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/loggroup"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kafka"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/serverless"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

// newVPC returns a stack with a new VPC over azs zones.
func newVPC(t *testing.T, azs int) (cdktf.TerraformStack, *network.VPC) {
	t.Helper()
	stack := tftest.NewStack(t)
	vpc, err := network.NewVPC(stack, "net", network.VPCProps{AZCount: azs})
	if err != nil {
		t.Fatal(err)
	}
	return stack, vpc
}

// importedVPC returns a stack with an imported VPC of n private subnets.
func importedVPC(t *testing.T, n int) (cdktf.TerraformStack, *network.VPC) {
	t.Helper()
	stack := tftest.NewStack(t)
	var subnets []string
	for i := range n {
		subnets = append(subnets, fmt.Sprintf("subnet-%017x", i+1))
	}
	vpc, err := network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", CIDR: "10.0.0.0/16", PrivateSubnetIDs: subnets})
	if err != nil {
		t.Fatal(err)
	}
	return stack, vpc
}

func ref(doc tftest.Doc, t *testing.T, typ, part, attr string) string {
	t.Helper()
	return "${" + doc.Address(t, typ, part) + "." + attr + "}"
}

func TestClusterSecureDefaults(t *testing.T) {
	stack, vpc := newVPC(t, 3)
	c, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc, Tags: map[string]string{"team": "payments"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Key() == nil || c.Resource() == nil || c.Configuration() == nil || c.Brokers() != 3 {
		t.Errorf("Key, Resource, Configuration and Brokers must describe the cluster: brokers %d", c.Brokers())
	}
	doc := tftest.Synth(t, stack)
	msk := doc.One(t, "aws_msk_cluster", "events")
	if msk["cluster_name"] != "events" || msk["kafka_version"] != "3.9.x.kraft" || msk["number_of_broker_nodes"] != float64(3) ||
		msk["enhanced_monitoring"] != "PER_BROKER" || tftest.Block(msk, "lifecycle")["prevent_destroy"] != true {
		t.Errorf("cluster = %v", msk)
	}

	t.Run("brokers in the private subnets, behind the cluster's own group", func(t *testing.T) {
		nodes := tftest.Block(msk, "broker_node_group_info")
		var want []string
		for i := range 3 {
			want = append(want, ref(doc, t, "aws_subnet", fmt.Sprintf("private-subnet-%d", i), "id"))
		}
		if got := tftest.Strings(nodes["client_subnets"]); !reflect.DeepEqual(got, want) {
			t.Errorf("client_subnets = %v, want %v", got, want)
		}
		sg := ref(doc, t, "aws_security_group", "events", "id")
		if got := tftest.Strings(nodes["security_groups"]); !reflect.DeepEqual(got, []string{sg}) || nodes["instance_type"] != "kafka.m7g.large" {
			t.Errorf("broker nodes = %v", nodes)
		}
		if v := tftest.Block(tftest.Block(nodes, "storage_info"), "ebs_storage_info")["volume_size"]; v != float64(100) {
			t.Errorf("volume_size = %v", v)
		}
		group := doc.One(t, "aws_security_group", "events")
		if group["ingress"] != nil || group["egress"] != nil || !strings.HasPrefix(group["description"].(string), "Brokers of MSK cluster events") {
			t.Errorf("security group = %v", group)
		}
		if n := len(doc.Resources("aws_vpc_security_group_ingress_rule")) + len(doc.Resources("aws_vpc_security_group_egress_rule")); n != 0 {
			t.Errorf("%d security group rules before any Connections call, want 0", n)
		}
	})

	t.Run("encryption at rest with the cluster's key, TLS in transit", func(t *testing.T) {
		enc := tftest.Block(msk, "encryption_info")
		if enc["encryption_at_rest_kms_key_arn"] != ref(doc, t, "aws_kms_key", "events", "arn") {
			t.Errorf("encryption at rest = %v", enc)
		}
		if tr := tftest.Block(enc, "encryption_in_transit"); tr["client_broker"] != "TLS" || tr["in_cluster"] != true {
			t.Errorf("encryption in transit = %v", tr)
		}
		key := doc.One(t, "aws_kms_key", "events")
		if key["enable_key_rotation"] != true || key["deletion_window_in_days"] != float64(30) || tftest.Block(key, "lifecycle")["prevent_destroy"] != true {
			t.Errorf("key = %v", key)
		}
		if a := doc.One(t, "aws_kms_alias", "events"); a["name"] != "alias/msk/events" {
			t.Errorf("alias = %v", a)
		}
	})

	t.Run("IAM is the only authentication", func(t *testing.T) {
		auth := tftest.Block(msk, "client_authentication")
		sasl := tftest.Block(auth, "sasl")
		if sasl["iam"] != true || sasl["scram"] != nil || auth["tls"] != nil || auth["unauthenticated"] != false {
			t.Errorf("client_authentication = %v", auth)
		}
	})

	t.Run("broker logs into an owned vended-logs group with retention", func(t *testing.T) {
		cw := tftest.Block(tftest.Block(tftest.Block(msk, "logging_info"), "broker_logs"), "cloudwatch_logs")
		if cw["enabled"] != true || cw["log_group"] != ref(doc, t, "aws_cloudwatch_log_group", "events", "name") {
			t.Errorf("broker logs = %v", cw)
		}
		lg := doc.One(t, "aws_cloudwatch_log_group", "events")
		if lg["name"] != "/aws/vendedlogs/msk/events" || lg["retention_in_days"] != float64(90) || tftest.Block(lg, "lifecycle")["prevent_destroy"] != true {
			t.Errorf("log group = %v", lg)
		}
	})

	t.Run("configuration", func(t *testing.T) {
		cfg := doc.One(t, "aws_msk_configuration", "events")
		want := "auto.create.topics.enable=false\ndefault.replication.factor=3\nmin.insync.replicas=2\nnum.partitions=6\nunclean.leader.election.enable=false\n"
		if cfg["server_properties"] != want {
			t.Errorf("server_properties =\n%v\nwant\n%s", cfg["server_properties"], want)
		}
		if cfg["name"] != "events-3-9-x-kraft" || !reflect.DeepEqual(tftest.Strings(cfg["kafka_versions"]), []string{"3.9.x.kraft"}) ||
			tftest.Block(cfg, "lifecycle")["create_before_destroy"] != true {
			t.Errorf("configuration = %v", cfg)
		}
		info := tftest.Block(msk, "configuration_info")
		if info["arn"] != ref(doc, t, "aws_msk_configuration", "events", "arn") || info["revision"] != ref(doc, t, "aws_msk_configuration", "events", "latest_revision") {
			t.Errorf("configuration_info = %v", info)
		}
	})

	t.Run("tags", func(t *testing.T) {
		for _, typ := range []string{"aws_msk_cluster", "aws_kms_key", "aws_cloudwatch_log_group", "aws_security_group"} {
			if tags, _ := doc.One(t, typ, "events")["tags"].(map[string]any); tags["team"] != "payments" {
				t.Errorf("%s tags = %v", typ, tags)
			}
		}
	})

	t.Run("policy rules pass", func(t *testing.T) {
		full, _ := json.Marshal(stack.ToTerraform())
		findings := tftest.Check(t, full)
		for _, f := range findings {
			if !f.Suppressed {
				t.Errorf("finding %s on %s: %s", f.RuleID, f.Address, f.Message)
			}
		}
	})
}

// Disposable drops prevent_destroy everywhere; a given key replaces the
// cluster's own.
func TestClusterDisposableWithGivenKey(t *testing.T) {
	const keyARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	stack, vpc := newVPC(t, 2)
	c, err := kafka.NewCluster(stack, "scratch", kafka.ClusterProps{Name: "scratch", VPC: vpc, KMSKeyARN: keyARN, Disposable: true,
		KafkaVersion: "3.8.x", InstanceType: "kafka.m5.xlarge", VolumeSizeGiB: 1000, LogRetentionDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	if c.Key() != nil || c.KMSKeyARN() != keyARN {
		t.Errorf("Key = %v, KMSKeyARN = %q", c.Key(), c.KMSKeyARN())
	}
	doc := tftest.Synth(t, stack)
	// The only key is the stack's shared logs key (its log groups').
	if keys, aliases := doc.Resources("aws_kms_key"), doc.Resources("aws_kms_alias"); len(keys) != 1 || keys[loggroup.KeyID] == nil || len(aliases) != 1 {
		t.Errorf("a cluster given a key made key resources: %v %v", ptr.SortedKeys(keys), ptr.SortedKeys(aliases))
	}
	msk := doc.One(t, "aws_msk_cluster", "scratch")
	if msk["lifecycle"] != nil || tftest.Block(msk, "encryption_info")["encryption_at_rest_kms_key_arn"] != keyARN ||
		msk["kafka_version"] != "3.8.x" || tftest.Block(msk, "broker_node_group_info")["instance_type"] != "kafka.m5.xlarge" {
		t.Errorf("disposable cluster = %v", msk)
	}
	if lg := doc.One(t, "aws_cloudwatch_log_group", "scratch"); lg["lifecycle"] != nil || lg["retention_in_days"] != float64(7) {
		t.Errorf("disposable log group = %v", lg)
	}
	if cfg := doc.One(t, "aws_msk_configuration", "scratch"); cfg["name"] != "scratch-3-8-x" || tftest.Block(cfg, "lifecycle")["create_before_destroy"] != true {
		t.Errorf("configuration = %v", cfg)
	}
}

// The broker count is zones x BrokersPerZone, over at most three zones, so
// it is always the multiple of the client subnet count MSK requires; the
// replication settings follow the broker count.
func TestClusterBrokersAndReplication(t *testing.T) {
	tests := []struct {
		name            string
		vpc             func(t *testing.T) (cdktf.TerraformStack, *network.VPC)
		perZone         int
		subnets         int
		brokers         int
		factor, inSync  int
		wantFirstSubnet string
	}{
		{"two zones, one broker each", func(t *testing.T) (cdktf.TerraformStack, *network.VPC) { return newVPC(t, 2) }, 0, 2, 2, 2, 1, ""},
		{"two zones, two brokers each", func(t *testing.T) (cdktf.TerraformStack, *network.VPC) { return newVPC(t, 2) }, 2, 2, 4, 3, 2, ""},
		{"six zones use the first three", func(t *testing.T) (cdktf.TerraformStack, *network.VPC) { return newVPC(t, 6) }, 1, 3, 3, 3, 2, ""},
		{"imported, two subnets", func(t *testing.T) (cdktf.TerraformStack, *network.VPC) { return importedVPC(t, 2) }, 3, 2, 6, 3, 2, "subnet-00000000000000001"},
		{"imported, four subnets use three", func(t *testing.T) (cdktf.TerraformStack, *network.VPC) { return importedVPC(t, 4) }, 1, 3, 3, 3, 2, "subnet-00000000000000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack, vpc := tt.vpc(t)
			c, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc, BrokersPerZone: tt.perZone})
			if err != nil {
				t.Fatal(err)
			}
			if c.Brokers() != tt.brokers {
				t.Errorf("Brokers() = %d, want %d", c.Brokers(), tt.brokers)
			}
			doc := tftest.Synth(t, stack)
			msk := doc.One(t, "aws_msk_cluster", "events")
			subnets := tftest.Strings(tftest.Block(msk, "broker_node_group_info")["client_subnets"])
			if len(subnets) != tt.subnets || msk["number_of_broker_nodes"] != float64(tt.brokers) || tt.brokers%len(subnets) != 0 {
				t.Errorf("%d brokers over subnets %v, want %d over %d", msk["number_of_broker_nodes"], subnets, tt.brokers, tt.subnets)
			}
			if tt.wantFirstSubnet != "" && subnets[0] != tt.wantFirstSubnet {
				t.Errorf("first subnet = %s, want %s", subnets[0], tt.wantFirstSubnet)
			}
			props := doc.One(t, "aws_msk_configuration", "events")["server_properties"].(string)
			for _, want := range []string{fmt.Sprintf("default.replication.factor=%d\n", tt.factor), fmt.Sprintf("min.insync.replicas=%d\n", tt.inSync)} {
				if !strings.Contains(props, want) {
					t.Errorf("server_properties lack %q:\n%s", want, props)
				}
			}
		})
	}
}

// More brokers than MSK's default quota is allowed (the quota can be
// raised) but warned about.
func TestClusterBrokerQuotaWarning(t *testing.T) {
	for _, tt := range []struct {
		version string
		perZone int
		warn    string
	}{
		{"3.9.x.kraft", 20, ""},
		{"3.9.x.kraft", 21, "test/events: 63 brokers exceed MSK's default quota of 60 brokers per cluster in 3.9.x.kraft; request a higher quota before apply"},
		{"3.9.x", 11, "test/events: 33 brokers exceed MSK's default quota of 30 brokers per cluster in 3.9.x"},
	} {
		t.Run(fmt.Sprint(tt.version, " x ", tt.perZone), func(t *testing.T) {
			stack, vpc := importedVPC(t, 3)
			if _, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc, KafkaVersion: tt.version, BrokersPerZone: tt.perZone}); err != nil {
				t.Fatal(err)
			}
			warnings := strings.Join(tftest.Warnings(stack), "\n")
			if (tt.warn == "") != (warnings == "") || !strings.Contains(warnings, tt.warn) {
				t.Errorf("warnings = %q, want %q", warnings, tt.warn)
			}
		})
	}
}

func TestClusterValidation(t *testing.T) {
	tests := []struct {
		name  string
		props func(vpc *network.VPC) kafka.ClusterProps
		want  string
	}{
		{"empty name", func(v *network.VPC) kafka.ClusterProps { return kafka.ClusterProps{VPC: v} },
			`kafka "test/k": Name is empty; give the MSK cluster a name (1-64 letters, digits and hyphens, starting with a letter)`},
		{"bad name", func(v *network.VPC) kafka.ClusterProps { return kafka.ClusterProps{Name: "1-events", VPC: v} },
			`kafka "test/k": Name "1-events" is not an MSK cluster name (1-64 letters, digits and hyphens, starting with a letter)`},
		{"name with underscore", func(v *network.VPC) kafka.ClusterProps { return kafka.ClusterProps{Name: "my_events", VPC: v} },
			`Name "my_events" is not an MSK cluster name`},
		{"long name", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "e" + strings.Repeat("x", 64), VPC: v}
		},
			`is not an MSK cluster name (1-64 letters`},
		{"no VPC", func(*network.VPC) kafka.ClusterProps { return kafka.ClusterProps{Name: "events"} },
			`kafka "test/k": VPC is nil; give the network.VPC whose private subnets the brokers run in`},
		{"bad version", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "events", VPC: v, KafkaVersion: "3.5.1"}
		}, `KafkaVersion "3.5.1" is not an MSK Kafka version for new clusters; use one of [3.7.x 3.7.x.kraft 3.8.x 3.8.x.kraft 3.9.x 3.9.x.kraft 4.0.x.kraft 4.1.x.kraft]`},
		{"bad instance type", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "events", VPC: v, InstanceType: "m5.large"}
		}, `InstanceType "m5.large" is not an MSK standard broker instance type; use kafka.<family>.<size> such as kafka.m7g.large`},
		{"express broker", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "events", VPC: v, InstanceType: "express.m7g.large"}
		}, `InstanceType "express.m7g.large" is not an MSK standard broker instance type`},
		{"negative brokers", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "events", VPC: v, BrokersPerZone: -1}
		}, `BrokersPerZone -1 is negative; give at least 1 broker per zone`},
		{"absurd brokers", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "events", VPC: v, BrokersPerZone: 1 << 62}
		}, `BrokersPerZone 4611686018427387904 is more than 100; MSK's default quota is 30 brokers per cluster (60 in KRaft mode)`},
		{"volume too large", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "events", VPC: v, VolumeSizeGiB: 16385}
		}, `VolumeSizeGiB 16385 is outside 1-16384 GiB, the EBS storage MSK allows per broker`},
		{"negative volume", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "events", VPC: v, VolumeSizeGiB: -5}
		}, `VolumeSizeGiB -5 is outside 1-16384 GiB`},
		{"bad retention", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "events", VPC: v, LogRetentionDays: 45}
		}, `LogRetentionDays 45 is not a CloudWatch Logs retention; use one of [1 3 5 7 14 30 60 90`},
		{"key alias instead of ARN", func(v *network.VPC) kafka.ClusterProps {
			return kafka.ClusterProps{Name: "events", VPC: v, KMSKeyARN: "arn:aws:kms:eu-west-1:123456789012:alias/msk"}
		}, `KMSKeyARN "arn:aws:kms:eu-west-1:123456789012:alias/msk" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack, vpc := importedVPC(t, 3)
			c, err := kafka.NewCluster(stack, "k", tt.props(vpc))
			if c != nil || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v does not contain %q", err, tt.want)
			}
			if !errors.Is(err, validate.ErrInvalid) {
				t.Errorf("error does not wrap validate.ErrInvalid: %v", err)
			}
		})
	}

	t.Run("a VPC with one private subnet", func(t *testing.T) {
		stack, vpc := importedVPC(t, 1)
		_, err := kafka.NewCluster(stack, "k", kafka.ClusterProps{Name: "events", VPC: vpc})
		want := `VPC "vpc-0123456789abcdef0" has 1 private subnet(s); MSK spreads brokers over 2 or 3 Availability Zones`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not contain %q", err, want)
		}
	})

	t.Run("every problem at once, nothing created", func(t *testing.T) {
		stack, vpc := importedVPC(t, 3)
		_, err := kafka.NewCluster(stack, "k", kafka.ClusterProps{Name: "9", VPC: vpc, KafkaVersion: "2.8.1", InstanceType: "t3.small",
			BrokersPerZone: -2, VolumeSizeGiB: 20000, LogRetentionDays: 2, KMSKeyARN: "key"})
		var fields []string
		for _, fe := range validate.Fields(err) {
			fields = append(fields, fe.Field)
		}
		want := []string{"Name", "KafkaVersion", "InstanceType", "BrokersPerZone", "VolumeSizeGiB", "LogRetentionDays", "KMSKeyARN"}
		if !reflect.DeepEqual(fields, want) {
			t.Errorf("fields = %v, want %v\n%v", fields, want, err)
		}
		if stack.Node().TryFindChild(ptrTo("k")) != nil {
			t.Error("invalid props created the construct")
		}
	})

	t.Run("tokens are not checked", func(t *testing.T) {
		stack, vpc := importedVPC(t, 2)
		version := cdktf.NewTerraformVariable(stack, ptrTo("version"), &cdktf.TerraformVariableConfig{})
		if _, err := kafka.NewCluster(stack, "k", kafka.ClusterProps{Name: "events", VPC: vpc, KafkaVersion: *version.StringValue()}); err != nil {
			t.Fatalf("a token version was rejected: %v", err)
		}
		doc := tftest.Synth(t, stack)
		if name := doc.One(t, "aws_msk_configuration", "k")["name"]; name != `events-${replace(var.version, ".", "-")}` {
			t.Errorf("configuration name = %v", name)
		}
	})

	t.Run("nil scope", func(t *testing.T) {
		if _, err := kafka.NewCluster(nil, "k", kafka.ClusterProps{}); err == nil || !strings.Contains(err.Error(), "scope is nil") {
			t.Errorf("error = %v", err)
		}
	})
}

func ptrTo(s string) *string { return &s }

// grantEnv is a cluster and a Lambda handler in the same VPC.
func grantEnv(t *testing.T) (cdktf.TerraformStack, *kafka.Cluster, *serverless.Handler) {
	t.Helper()
	stack, vpc := newVPC(t, 3)
	c, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc})
	if err != nil {
		t.Fatal(err)
	}
	h, err := serverless.NewHandler(stack, "billing", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "billing.zip", ""), VPC: vpc})
	if err != nil {
		t.Fatal(err)
	}
	return stack, c, h
}

type statement struct {
	Sid      string
	Action   []string
	Resource []string
}

// kafkaPolicy returns the statements of the handler's kafka-events policy.
func kafkaPolicy(t *testing.T, doc tftest.Doc) []statement {
	t.Helper()
	p := doc.One(t, "aws_iam_role_policy", "policy-kafka-events")
	if p["name"] != "kafka-events" {
		t.Errorf("policy name = %v", p["name"])
	}
	var d struct{ Statement []statement }
	if err := json.Unmarshal([]byte(p["policy"].(string)), &d); err != nil {
		t.Fatal(err)
	}
	return d.Statement
}

func TestGrantTopics(t *testing.T) {
	// ARNs are in the stack's partition, Region and account, and name the
	// cluster by name and UUID.
	const arn = "arn:${data.aws_partition.awsenv-partition.partition}:kafka:${data.aws_region.awsenv-region.name}:${data.aws_caller_identity.awsenv-account.account_id}:"
	tests := []struct {
		name   string
		access kafka.TopicAccess
		want   func(cluster, uuid string) []statement
	}{
		{
			name: "consumer in a group",
			access: kafka.TopicAccess{
				Consume: []string{"payments", "refunds.*"},
				Groups:  []string{"billing"},
			},
			want: func(cluster, uuid string) []statement {
				return []statement{
					{"Cluster", []string{"kafka-cluster:Connect", "kafka-cluster:DescribeCluster"}, []string{cluster}},
					{"Consume", []string{"kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"},
						[]string{arn + "topic/events/" + uuid + "/payments", arn + "topic/events/" + uuid + "/refunds.*"}},
					{"Groups", []string{"kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"}, []string{arn + "group/events/" + uuid + "/billing"}},
				}
			},
		},
		{
			name: "exactly-once producer that owns its topics",
			access: kafka.TopicAccess{
				Produce:          []string{"orders.*", "orders.*"},
				Create:           []string{"orders.*"},
				TransactionalIDs: []string{"billing-tx-*"},
			},
			want: func(cluster, uuid string) []statement {
				return []statement{
					{"Cluster", []string{"kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"}, []string{cluster}},
					{"Produce", []string{"kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"}, []string{arn + "topic/events/" + uuid + "/orders.*"}},
					{"CreateTopics", []string{"kafka-cluster:AlterTopicDynamicConfiguration", "kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:DescribeTopicDynamicConfiguration"},
						[]string{arn + "topic/events/" + uuid + "/orders.*"}},
					{"TransactionalIds", []string{"kafka-cluster:AlterTransactionalId", "kafka-cluster:DescribeTransactionalId"},
						[]string{arn + "transactional-id/events/" + uuid + "/billing-tx-*"}},
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack, c, h := grantEnv(t)
			if _, err := h.Connections().AllowTo(c, kafka.IAMPort, "Billing reads payments from Kafka"); err != nil {
				t.Fatal(err)
			}
			if err := c.GrantTopics(h, tt.access); err != nil {
				t.Fatal(err)
			}
			doc := tftest.Synth(t, stack)
			cluster := ref(doc, t, "aws_msk_cluster", "events", "arn")
			uuid := ref(doc, t, "aws_msk_cluster", "events", "cluster_uuid")
			got := kafkaPolicy(t, doc)
			if want := tt.want(cluster, uuid); !reflect.DeepEqual(got, want) {
				t.Errorf("statements =\n%+v\nwant\n%+v", got, want)
			}
			// Nothing wider than asked: no wildcard account or Region, no
			// whole-cluster topics or groups, no other cluster.
			for _, st := range got {
				for _, r := range st.Resource {
					if r == cluster {
						continue
					}
					if !strings.HasPrefix(r, arn) || !strings.Contains(r, "/events/"+uuid+"/") || strings.HasSuffix(r, "/") || strings.HasSuffix(r, "/*") {
						t.Errorf("resource %q is not scoped to one name or prefix of this cluster", r)
					}
				}
			}
			in := doc.One(t, "aws_vpc_security_group_ingress_rule", "events-from-billing-9098")
			if in["security_group_id"] != ref(doc, t, "aws_security_group", "events", "id") || in["from_port"] != float64(kafka.IAMPort) ||
				in["referenced_security_group_id"] != ref(doc, t, "aws_security_group", "billing", "id") {
				t.Errorf("ingress = %v", in)
			}
		})
	}
}

// A prefix grant covers that prefix only: topics of another prefix, and
// the cluster's other topics, are not in the policy.
func TestGrantTopicsPrefixIsolation(t *testing.T) {
	stack, c, h := grantEnv(t)
	if err := c.GrantTopics(h, kafka.TopicAccess{Consume: []string{"orders.*"}}); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	policy := doc.One(t, "aws_iam_role_policy", "policy-kafka-events")["policy"].(string)
	for _, other := range []string{"/payments", "/orders\"", "/*\"", "group/", "transactional-id/", "WriteData", "CreateTopic"} {
		if strings.Contains(policy, other) {
			t.Errorf("policy contains %q:\n%s", other, policy)
		}
	}
	if strings.Count(policy, "topic/events/") != 1 || !strings.Contains(policy, "/orders.*\"") {
		t.Errorf("policy does not name exactly the orders.* prefix:\n%s", policy)
	}
	// Granting twice makes a second policy rather than rewriting the first.
	if err := c.GrantTopics(h, kafka.TopicAccess{Produce: []string{"audit"}}); err != nil {
		t.Fatal(err)
	}
	doc = tftest.Synth(t, stack)
	if p := doc.One(t, "aws_iam_role_policy", "policy-kafka-events-1"); p["name"] != "kafka-events-1" || !strings.Contains(p["policy"].(string), "/audit\"") {
		t.Errorf("second grant = %v", p)
	}
}

func TestGrantTopicsValidation(t *testing.T) {
	tests := []struct {
		name   string
		access kafka.TopicAccess
		want   []string
	}{
		{"nothing", kafka.TopicAccess{}, []string{`kafka "test/events": TopicAccess grants nothing; list topics in Produce, Consume or Create, or Groups or TransactionalIDs`}},
		{"star alone", kafka.TopicAccess{Consume: []string{"*"}},
			[]string{`TopicAccess.Consume[0] "*" alone would cover every name in the cluster, including others'; name them or give a prefix such as "orders.*"`}},
		{"empty name", kafka.TopicAccess{Produce: []string{"orders", ""}}, []string{`TopicAccess.Produce[1] is empty; use 1-249 letters, digits, '.', '_' and '-', optionally ending in '*' for a prefix`}},
		{"bad characters", kafka.TopicAccess{Produce: []string{"orders/eu", "orders eu"}, Groups: []string{"billing*x"}}, []string{
			`TopicAccess.Produce[0] "orders/eu" is not a Kafka name or prefix (1-249 letters, digits, '.', '_' and '-', optionally ending in '*' for a prefix)`,
			`TopicAccess.Produce[1] "orders eu" is not a Kafka name or prefix`,
			`TopicAccess.Groups[0] "billing*x" is not a Kafka name or prefix`,
		}},
		{"account wildcard smuggled in", kafka.TopicAccess{Create: []string{"*/orders"}}, []string{`TopicAccess.Create[0] "*/orders" is not a Kafka name or prefix`}},
		{"too long", kafka.TopicAccess{Consume: []string{strings.Repeat("a", 250)}}, []string{`has 250 characters; Kafka allows at most 249`}},
		{"reserved", kafka.TopicAccess{Consume: []string{".."}}, []string{`TopicAccess.Consume[0] ".." is not a Kafka topic name ("." and ".." are reserved)`}},
		{"transactions without producing", kafka.TopicAccess{TransactionalIDs: []string{"tx"}},
			[]string{`TopicAccess.TransactionalIDs [tx] are given without Produce; transactional producers write, list the topics they write to in Produce`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stack, c, h := grantEnv(t)
			err := c.GrantTopics(h, tt.access)
			if !errors.Is(err, validate.ErrInvalid) {
				t.Fatalf("error %v does not wrap validate.ErrInvalid", err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %v does not contain %q", err, want)
				}
			}
			if n := len(validate.Fields(err)); n != len(tt.want) {
				t.Errorf("%d problems, want %d: %v", n, len(tt.want), err)
			}
			doc := tftest.Synth(t, stack)
			for name := range doc.Resources("aws_iam_role_policy") {
				if strings.Contains(name, "kafka") {
					t.Errorf("a rejected grant created %s", name)
				}
			}
		})
	}
	t.Run("nil grantee", func(t *testing.T) {
		_, c, _ := grantEnv(t)
		if err := c.GrantTopics(nil, kafka.TopicAccess{Consume: []string{"orders"}}); err == nil || !strings.Contains(err.Error(), "GrantTopics.Grantee is nil") {
			t.Errorf("error = %v", err)
		}
	})
}
