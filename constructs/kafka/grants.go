package kafka

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// TopicAccess lists what a grantee may do on a cluster. Each entry is a
// name or a prefix ending in "*" ("orders.*" covers every topic whose name
// starts with "orders."). Names are 1-249 of the characters Kafka allows in
// topic names (letters, digits, '.', '_' and '-'); consumer group and
// transactional ids follow the same rule here, since they become part of an
// IAM resource ARN. "*" alone is refused: it would cover every topic (or
// group) of the cluster, including ones that belong to others.
type TopicAccess struct {
	// Produce are the topics the grantee writes to (idempotently, the
	// default of Kafka 3.0+ producers).
	Produce []string
	// Consume are the topics the grantee reads. A consumer that joins a
	// consumer group also needs the group in Groups.
	Consume []string
	// Create are the topics the grantee may create, describe, and read and
	// change the configuration of (retention, cleanup policy). It may not
	// delete them or add partitions.
	Create []string
	// Groups are the consumer groups the grantee may join and describe
	// (and commit offsets in).
	Groups []string
	// TransactionalIDs are the transactional ids of an exactly-once
	// producer; such a grantee produces, so Produce must not be empty.
	TransactionalIDs []string
}

// maxNameLength is the longest topic name Kafka accepts.
const maxNameLength = 249

var kafkaName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// The kafka-cluster actions of IAM access control for MSK ("Semantics of
// IAM authorization policy actions and resources" in the MSK developer
// guide), each with the actions it requires alongside it.
var (
	clusterActions = []string{"kafka-cluster:Connect", "kafka-cluster:DescribeCluster"}
	// WriteDataIdempotently requires Connect and WriteData.
	idempotentAction = "kafka-cluster:WriteDataIdempotently"
	// WriteData and ReadData require DescribeTopic (and ReadData a group
	// the consumer joins, AlterGroup on Groups).
	produceActions = []string{"kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"}
	consumeActions = []string{"kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"}
	// AlterTopicDynamicConfiguration requires
	// DescribeTopicDynamicConfiguration.
	createActions = []string{"kafka-cluster:AlterTopicDynamicConfiguration", "kafka-cluster:CreateTopic",
		"kafka-cluster:DescribeTopic", "kafka-cluster:DescribeTopicDynamicConfiguration"}
	// AlterGroup requires DescribeGroup.
	groupActions = []string{"kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"}
	// AlterTransactionalId requires DescribeTransactionalId and WriteData.
	transactionalActions = []string{"kafka-cluster:AlterTransactionalId", "kafka-cluster:DescribeTransactionalId"}
)

// GrantTopics lets g connect to the cluster and use the topics, consumer
// groups and transactional ids in access, as one inline policy on g's role
// named "kafka-<cluster id>". Every resource is scoped to this cluster's
// name and UUID; a prefix stays a prefix ("orders.*" never becomes all
// topics). The grantee still needs a network path to the brokers:
// g.Connections().AllowTo(cluster, kafka.IAMPort, "why").
//
// It returns every problem at once, joined, each a *validate.FieldError
// wrapping validate.ErrInvalid, when g is nil, access grants nothing, a
// name is empty, "*" alone, longer than 249 characters or has a character
// other than letters, digits, '.', '_', '-' and a trailing '*', or
// TransactionalIDs are given without Produce.
func (c *Cluster) GrantTopics(g grant.Grantee, access TopicAccess) error {
	r := validation.NewReport("kafka", *c.Node().Path())
	if g == nil {
		r.Addf("GrantTopics.Grantee", "is nil; give the handler or role that uses the cluster")
	}
	lists := []struct {
		field string
		names []string
	}{
		{"Produce", access.Produce}, {"Consume", access.Consume}, {"Create", access.Create},
		{"Groups", access.Groups}, {"TransactionalIDs", access.TransactionalIDs},
	}
	total := 0
	for _, l := range lists {
		total += len(l.names)
		for i, n := range l.names {
			checkName(r, fmt.Sprintf("TopicAccess.%s[%d]", l.field, i), n)
		}
	}
	if total == 0 {
		r.Addf("TopicAccess", "grants nothing; list topics in Produce, Consume or Create, or Groups or TransactionalIDs")
	}
	if len(access.TransactionalIDs) > 0 && len(access.Produce) == 0 {
		r.Addf("TopicAccess.TransactionalIDs", "%v are given without Produce; transactional producers write, list the topics they write to in Produce", access.TransactionalIDs)
	}
	if err := r.Err(); err != nil {
		return err
	}

	cluster := append([]string(nil), clusterActions...)
	if len(access.Produce) > 0 {
		cluster = append(cluster, idempotentAction)
	}
	statements := []iamdoc.Statement{iamdoc.Allow("Cluster", cluster, c.ARN())}
	add := func(sid string, actions []string, arn func(string) string, list []string) {
		if len(list) == 0 {
			return
		}
		var resources []string
		seen := map[string]bool{}
		for _, n := range list {
			if !seen[n] {
				seen[n] = true
				resources = append(resources, arn(n))
			}
		}
		statements = append(statements, iamdoc.Allow(sid, actions, resources...))
	}
	add("Produce", produceActions, c.TopicARN, access.Produce)
	add("Consume", consumeActions, c.TopicARN, access.Consume)
	add("CreateTopics", createActions, c.TopicARN, access.Create)
	add("Groups", groupActions, c.GroupARN, access.Groups)
	add("TransactionalIds", transactionalActions, c.TransactionalIDARN, access.TransactionalIDs)
	return g.AddToRolePolicy("kafka-"+names.ID(*c.Node().Id()), statements...)
}

// checkName records what is wrong with a topic, group or transactional id
// name or prefix.
func checkName(r *validation.Report, field, n string) {
	const rule = "1-249 letters, digits, '.', '_' and '-', optionally ending in '*' for a prefix"
	base := strings.TrimSuffix(n, "*")
	switch {
	case n == "":
		r.Addf(field, "is empty; use %s", rule)
	case n == "*":
		r.Addf(field, "%q alone would cover every name in the cluster, including others'; name them or give a prefix such as \"orders.*\"", n)
	case !kafkaName.MatchString(base):
		r.Addf(field, "%q is not a Kafka name or prefix (%s)", n, rule)
	case len(base) > maxNameLength:
		r.Addf(field, "%q has %d characters; Kafka allows at most %d", n, len(base), maxNameLength)
	case (base == "." || base == "..") && base == n:
		r.Addf(field, "%q is not a Kafka topic name (\".\" and \"..\" are reserved)", n)
	}
}
