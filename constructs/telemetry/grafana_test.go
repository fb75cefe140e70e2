package telemetry_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/telemetry"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

func TestGrafana(t *testing.T) {
	stack, c := newCluster(t, true)
	m, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN})
	if err != nil {
		t.Fatal(err)
	}
	logs := "arn:aws:logs:eu-west-1:123456789012:log-group:/hybridstack/demo/*"
	g, err := telemetry.NewGrafana(stack, "grafana", telemetry.GrafanaProps{Metrics: []*telemetry.Metrics{m}, LogGroupARNs: []string{logs}})
	if err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	ws := doc.One(t, "aws_grafana_workspace", "grafana_workspace")
	role := ref(t, doc, "aws_iam_role", "grafana_role", "arn")
	if ws["name"] != "test-grafana" || ws["account_access_type"] != "CURRENT_ACCOUNT" || ws["permission_type"] != "CUSTOMER_MANAGED" ||
		ws["role_arn"] != role || !reflect.DeepEqual(tftest.Strings(ws["authentication_providers"]), []string{"AWS_SSO"}) ||
		!reflect.DeepEqual(tftest.Strings(ws["data_sources"]), []string{"PROMETHEUS", "CLOUDWATCH", "XRAY"}) || ws["vpc_configuration"] != nil {
		t.Errorf("workspace = %v", ws)
	}
	if g.Endpoint() == "" || g.ID() == "" || g.RoleARN() == "" || g.Workspace() == nil {
		t.Error("accessors must return the workspace's attributes")
	}

	trust := statements(t, doc.One(t, "aws_iam_role", "grafana_role")["assume_role_policy"])["0"]
	cond, _ := json.Marshal(trust["Condition"])
	if trust["Principal"].(map[string]any)["Service"] != "grafana.amazonaws.com" ||
		string(cond) != `{"ArnLike":{"aws:SourceArn":"arn:${data.aws_partition.awsenv-partition.partition}:grafana:`+region+`:`+account+`:/workspaces/*"},"StringEquals":{"aws:SourceAccount":"`+account+`"}}` {
		t.Errorf("trust = %v", trust)
	}

	stmts := statements(t, doc.One(t, "aws_iam_role_policy", "grafana_role-policy")["policy"])
	workspace := ref(t, doc, "aws_prometheus_workspace", "metrics", "arn")
	query := stmts["QueryPrometheus"]
	if one(query["Resource"]) != workspace || !reflect.DeepEqual(tftest.Strings(query["Action"]),
		[]string{"aps:DescribeWorkspace", "aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"}) {
		t.Errorf("Prometheus statement = %v, want the queries on the workspace only", query)
	}
	if d := stmts["DecryptPrometheus"]; one(d["Resource"]) != ref(t, doc, "aws_kms_key", "metrics_key", "arn") ||
		d["Condition"].(map[string]any)["StringEquals"].(map[string]any)["kms:ViaService"] != "aps."+region+".amazonaws.com" {
		t.Errorf("key statement = %v", d)
	}
	if q := stmts["QueryLogs"]; one(q["Action"]) != "logs:StartQuery" || one(q["Resource"]) != logs {
		t.Errorf("logs statement = %v, want StartQuery on the given groups only", q)
	}
	for sid, st := range stmts {
		for _, a := range tftest.Strings(st["Action"]) {
			if strings.HasSuffix(a, "*") || strings.Contains(a, ":Put") || strings.Contains(a, ":Delete") || strings.Contains(a, ":Create") || a == "aps:RemoteWrite" {
				t.Errorf("%s grants %s; the role reads only", sid, a)
			}
		}
		if one(st["Resource"]) == "*" && sid == "QueryPrometheus" {
			t.Errorf("%s on every resource", sid)
		}
	}
	if len(stmts) != 7 {
		t.Errorf("statements = %v", stmts)
	}

	t.Run("in a VPC, no log groups", func(t *testing.T) {
		stack, c := newCluster(t, true)
		m, err := telemetry.NewMetrics(stack, "metrics", telemetry.MetricsProps{Cluster: c, AlertTopicARN: topicARN})
		if err != nil {
			t.Fatal(err)
		}
		vpc, err := network.NewVPC(stack, "dash", network.VPCProps{AZCount: 2, CIDR: "10.9.0.0/16"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := telemetry.NewGrafana(stack, "grafana", telemetry.GrafanaProps{Name: "ops", Metrics: []*telemetry.Metrics{m}, VPC: vpc, GrafanaVersion: "10.4"}); err != nil {
			t.Fatal(err)
		}
		doc := tftest.Synth(t, stack)
		ws := doc.One(t, "aws_grafana_workspace", "grafana")
		vc := tftest.Block(ws, "vpc_configuration")
		sg := ref(t, doc, "aws_security_group", "grafana_security-group", "id")
		if ws["name"] != "ops" || ws["grafana_version"] != "10.4" || !reflect.DeepEqual(tftest.Strings(vc["security_group_ids"]), []string{sg}) ||
			len(tftest.Strings(vc["subnet_ids"])) != 2 || !strings.Contains(tftest.Strings(vc["subnet_ids"])[0], "dash_private-subnet") {
			t.Errorf("workspace = %v", ws)
		}
		stmts := statements(t, doc.One(t, "aws_iam_role_policy", "grafana")["policy"])
		if stmts["QueryLogs"] != nil || stmts["ReadQueryResults"] != nil {
			t.Errorf("no log groups, yet logs statements: %v", stmts)
		}
	})
}

func TestGrafanaValidation(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := telemetry.NewGrafana(stack, "grafana", telemetry.GrafanaProps{
		Name: "ops dashboards", Metrics: []*telemetry.Metrics{nil}, LogGroupARNs: []string{"/hybridstack/x"}, GrafanaVersion: "latest",
		Tags: map[string]string{"AWS:x": "y"},
	})
	if !errors.Is(err, validate.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{
		`telemetry "test/grafana": Name "ops dashboards" is not a Grafana workspace name`,
		`Metrics[0] is nil`,
		`LogGroupARNs[0] "/hybridstack/x" is not a log group ARN`,
		`GrafanaVersion "latest" is not a Grafana version`,
		`Tags key "AWS:x" uses the reserved aws: prefix`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := telemetry.NewGrafana(stack, "grafana", telemetry.GrafanaProps{}); err == nil || !strings.Contains(err.Error(), "Metrics is empty") {
		t.Errorf("no metrics: err = %v", err)
	}
	if stack.Node().TryFindChild(ptrTo("grafana")) != nil {
		t.Error("a construct was created despite the errors")
	}
}
