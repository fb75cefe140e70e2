package hybridmicroservices_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/hybridmicroservices"
)

type doc struct {
	Resource map[string]map[string]map[string]any `json:"resource"`
}

func synth(t *testing.T, appMesh bool) doc {
	t.Helper()
	build := hybridmicroservices.New
	if appMesh {
		build = hybridmicroservices.NewAppMesh
	}
	st, err := build(cdktf.Testing_App(nil), base.Settings{}.WithDefaults())
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(st.Stack, nil)), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func first(m map[string]map[string]any) map[string]any {
	for _, v := range m {
		return v
	}
	return nil
}

func TestFrontDoorWiring(t *testing.T) {
	d := synth(t, false)
	r := d.Resource
	for _, route := range r["aws_apigatewayv2_route"] {
		if route["authorization_type"] != "JWT" {
			t.Errorf("route %v is not JWT-authorized", route["route_key"])
		}
	}
	perApi := 0
	for _, p := range r["aws_lambda_permission"] {
		if p["principal"] == "apigateway.amazonaws.com" {
			perApi++
		}
		if p["source_arn"] == nil {
			t.Errorf("permission without source_arn: %v", p)
		}
	}
	if perApi != 1 {
		t.Errorf("%d API Gateway permissions, want 1 (one function, one API)", perApi)
	}
	linkSG := ""
	for name := range r["aws_security_group"] {
		if strings.Contains(name, "vpc-link") {
			linkSG = "${aws_security_group." + name + ".id}"
		}
	}
	admitted := false
	for _, rule := range r["aws_vpc_security_group_ingress_rule"] {
		if rule["referenced_security_group_id"] == linkSG && strings.Contains(rule["security_group_id"].(string), "internal-nlb") {
			admitted = true
		}
	}
	if !admitted {
		t.Error("the internal NLB does not admit the VPC link")
	}
	for _, integ := range r["aws_apigatewayv2_integration"] {
		if integ["connection_type"] == "VPC_LINK" && integ["payload_format_version"] != "1.0" {
			t.Errorf("VPC link integration with payload %v", integ["payload_format_version"])
		}
	}
	fn := r["aws_lambda_function"]
	for name, f := range fn {
		if strings.Contains(name, "order-worker") && f["vpc_config"] == nil {
			t.Error("the order worker is not in the VPC")
		}
	}
	if len(r["aws_lambda_event_source_mapping"]) != 1 || len(r["aws_cloudwatch_event_rule"]) != 1 {
		t.Error("SQS and EventBridge glue missing")
	}
}

func TestPaymentsCanary(t *testing.T) {
	lattice := synth(t, false).Resource
	for name, l := range lattice["aws_vpclattice_listener"] {
		if !strings.Contains(name, "payments") {
			continue
		}
		fwd := one(one(l["default_action"])["forward"])["target_groups"].([]any)
		sum := 0.0
		for _, g := range fwd {
			sum += g.(map[string]any)["weight"].(float64)
		}
		if len(fwd) != 2 || sum != 100 {
			t.Errorf("payments canary targets = %v", fwd)
		}
	}
	if len(lattice["aws_appmesh_mesh"]) != 0 {
		t.Error("Lattice variant renders App Mesh")
	}

	appmesh := synth(t, true).Resource
	if first(appmesh["aws_appmesh_mesh"]) == nil || len(appmesh["aws_vpclattice_service"]) != 0 {
		t.Fatal("App Mesh variant renders the wrong engine")
	}
	for name, rt := range appmesh["aws_appmesh_route"] {
		if !strings.HasSuffix(name, "route-canary") && !strings.Contains(name, "route-canary_") {
			continue
		}
		b, _ := json.Marshal(rt)
		if !strings.Contains(string(b), `"weight":90`) || !strings.Contains(string(b), `"weight":10`) {
			t.Errorf("App Mesh canary = %s", b)
		}
	}
}

// one returns a single nested block, written either as an object or as a
// one-element list.
func one(v any) map[string]any {
	switch b := v.(type) {
	case map[string]any:
		return b
	case []any:
		if len(b) > 0 {
			return b[0].(map[string]any)
		}
	}
	return nil
}
