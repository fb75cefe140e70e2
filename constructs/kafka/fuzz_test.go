package kafka_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/fuzztest"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/kafka"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// The fuzz tests below feed primitive values into the props of NewCluster
// and into GrantTopics, and check the contract of every call: it returns a
// value or an error, never both and never neither, and never panics; an
// error is about props, so it wraps validate.ErrInvalid, every FieldError
// in it names the construct path, the field and the problem, and a failed
// call added nothing; a stack built without error synthesizes. `go test`
// runs the seeds; `go test -fuzz` explores from them.

func FuzzNewCluster(f *testing.F) {
	type in struct {
		id, name, version, instance, kms string
		subnets                          uint8
		perZone, volume, retention       int
		disposable                       bool
	}
	add := func(i in) {
		f.Add(i.id, i.name, i.version, i.instance, i.kms, i.subnets, i.perZone, i.volume, i.retention, i.disposable)
	}
	add(in{id: "events", name: "events", subnets: 3})
	add(in{id: "events", name: "events", version: "3.8.x", instance: "kafka.m5.large", kms: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		subnets: 2, perZone: 2, volume: 16384, retention: 1, disposable: true})
	add(in{id: "events", name: "@token", version: "@token", instance: "@token", kms: "@token", subnets: 6})
	add(in{id: "events", name: "", version: "3.5.1", instance: "express.m7g.large", kms: "alias/x", subnets: 1, perZone: -1, volume: -1, retention: 2})
	add(in{id: "events", name: strings.Repeat("e", 65), subnets: 0, perZone: 1 << 62, volume: 1 << 40})
	add(in{id: "events", name: "events", subnets: 3, perZone: 1 << 62})
	add(in{id: "events", name: "events", subnets: 3, perZone: 100})
	add(in{id: "ünï/cødé", name: "ünïcødé", subnets: 3})
	add(in{id: "awsenv-region", name: "events", subnets: 3})
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, id, name, version, instance, kms string, subnets uint8, perZone, volume, retention int, disposable bool) {
		stack := fuzztest.Stack(t)
		fuzztest.Tokens(stack, &name, &version, &instance, &kms)
		var vpc *network.VPC
		if n := int(subnets % 7); n > 0 {
			var ids []string
			for i := range n {
				ids = append(ids, fmt.Sprintf("subnet-%017x", i+1))
			}
			var err error
			if vpc, err = network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", CIDR: "10.0.0.0/16", PrivateSubnetIDs: ids}); err != nil {
				t.Fatal(err)
			}
		}
		props := kafka.ClusterProps{Name: name, VPC: vpc, KafkaVersion: version, InstanceType: instance, KMSKeyARN: kms,
			BrokersPerZone: perZone, VolumeSizeGiB: volume, LogRetentionDays: retention, Disposable: disposable}
		var c *kafka.Cluster
		var err error
		added := fuzztest.Adds(stack, id)
		fuzztest.Run(t, func() { c, err = kafka.NewCluster(stack, id, props) })
		if !fuzztest.Check(t, "NewCluster", c != nil, err) {
			if added() {
				t.Fatalf("NewCluster returned %v but added %q to the tree", err, id)
			}
			return
		}
		zones := min(len(vpc.PrivateSubnetIDs()), 3)
		if c.Brokers() < zones || c.Brokers()%zones != 0 || c.ARN() == "" || c.KMSKeyARN() == "" || (c.Key() == nil) != (kms != "") {
			t.Fatalf("NewCluster: %d brokers over %d zones, ARN %q, key %q (own key %v)", c.Brokers(), zones, c.ARN(), c.KMSKeyARN(), c.Key() != nil)
		}
		tftest.Synth(t, stack)
	})
}

func FuzzGrantTopics(f *testing.F) {
	f.Add("orders", "payments.*", "", "billing", "")
	f.Add("orders.*,orders.*", "", "orders.*", "", "billing-tx-*")
	f.Add("", "", "", "", "")
	f.Add("*", "**", "a*b", ".", "..")
	f.Add("", "", "", "", "tx")
	f.Add("orders,", "ünï", "a/b", "g "+strings.Repeat("x", 260), "*/x")
	fuzztest.WarmUp(f)
	f.Fuzz(func(t *testing.T, produce, consume, create, groups, txn string) {
		stack := fuzztest.Stack(t)
		vpc, err := network.ImportVPC(stack, "net", network.ImportVPCProps{VPCID: "vpc-0123456789abcdef0", CIDR: "10.0.0.0/16",
			PrivateSubnetIDs: []string{"subnet-00000000000000001", "subnet-00000000000000002"}})
		if err != nil {
			t.Fatal(err)
		}
		c, err := kafka.NewCluster(stack, "events", kafka.ClusterProps{Name: "events", VPC: vpc})
		if err != nil {
			t.Fatal(err)
		}
		h, err := serverless.NewHandler(stack, "billing", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "billing.zip", "")})
		if err != nil {
			t.Fatal(err)
		}
		access := kafka.TopicAccess{Produce: fuzztest.List(produce), Consume: fuzztest.List(consume), Create: fuzztest.List(create),
			Groups: fuzztest.List(groups), TransactionalIDs: fuzztest.List(txn)}
		added := fuzztest.Adds(h, "policy-kafka-events")
		fuzztest.Run(t, func() { err = c.GrantTopics(h, access) })
		if !fuzztest.Check(t, "GrantTopics", err == nil, err) {
			if added() {
				t.Fatalf("GrantTopics returned %v but added a policy", err)
			}
			return
		}
		doc := tftest.Synth(t, stack)
		policy := doc.One(t, "aws_iam_role_policy", "policy-kafka-events")["policy"].(string)
		if strings.Contains(policy, `/*"`) || strings.Contains(policy, `:*:`) {
			t.Fatalf("GrantTopics(%+v) wrote a wildcard wider than a prefix:\n%s", access, policy)
		}
	})
}
