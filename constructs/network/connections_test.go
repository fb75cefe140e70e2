package network_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/validate"
)

func TestAllowToWritesBothSidesOnce(t *testing.T) {
	stack := tftest.NewStack(t)
	app := network.NewConnections(stack, "app", "sg-aaaaaaaaaaaaaaaaa")
	db := network.NewConnections(stack, "db", "sg-bbbbbbbbbbbbbbbbb")
	p, err := app.AllowTo(db, 5432, "App to its database")
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.AllowFrom(app, 5432, "App to its database")
	if err != nil {
		t.Fatal(err)
	}
	if again != p || len(p.Egress) != 1 || len(p.Ingress) != 1 {
		t.Errorf("the same path twice must create it once: %+v vs %+v", p, again)
	}
	if _, err := app.AllowFromCIDR("10.0.0.0/16", 443, "Clients in the VPC"); err != nil {
		t.Fatal(err)
	}
	doc := tftest.Synth(t, stack)
	out := doc.One(t, "aws_vpc_security_group_egress_rule", "app-to-db-5432")
	if out["security_group_id"] != "sg-aaaaaaaaaaaaaaaaa" || out["referenced_security_group_id"] != "sg-bbbbbbbbbbbbbbbbb" ||
		out["from_port"] != float64(5432) || out["to_port"] != float64(5432) || out["ip_protocol"] != "tcp" || out["cidr_ipv4"] != nil {
		t.Errorf("egress = %v", out)
	}
	in := doc.One(t, "aws_vpc_security_group_ingress_rule", "db-from-app-5432")
	if in["security_group_id"] != "sg-bbbbbbbbbbbbbbbbb" || in["referenced_security_group_id"] != "sg-aaaaaaaaaaaaaaaaa" || in["description"] != "App to its database" {
		t.Errorf("ingress = %v", in)
	}
	if c := doc.One(t, "aws_vpc_security_group_ingress_rule", "app-from-10-0-0-0-16-443"); c["cidr_ipv4"] != "10.0.0.0/16" || c["from_port"] != float64(443) {
		t.Errorf("CIDR ingress = %v", c)
	}
	if n := len(doc.Resources("aws_vpc_security_group_egress_rule")) + len(doc.Resources("aws_vpc_security_group_ingress_rule")); n != 3 {
		t.Errorf("%d rules, want 3", n)
	}
}

func TestConnectionsErrors(t *testing.T) {
	stack := tftest.NewStack(t)
	none := network.NewConnections(stack, "lambda")
	db := network.NewConnections(stack, "db", "sg-bbbbbbbbbbbbbbbbb")
	_, err := none.AllowTo(db, 70000, " ")
	for _, want := range []string{
		`network "test": AllowTo(70000) "lambda" has no security group of its own`,
		`AllowTo(70000).Port 70000 is not a TCP port (1-65535)`,
		`AllowTo(70000).Description is empty`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if !errors.Is(err, validate.ErrInvalid) {
		t.Errorf("error does not wrap validate.ErrInvalid: %v", err)
	}
	if _, err := db.AllowFromCIDR("0.0.0.0/0", 443, "everyone"); err == nil || !strings.Contains(err.Error(), `"0.0.0.0/0" admits the whole Internet`) {
		t.Errorf("0.0.0.0/0 ingress: %v", err)
	}
	if _, err := db.AllowFromCIDR("10.0.0.1/16", 443, "x"); err == nil || !strings.Contains(err.Error(), `"10.0.0.1/16" is not an IPv4 network`) {
		t.Errorf("host bits set: %v", err)
	}
	if _, err := db.AllowTo(nil, 443, "x"); err == nil || !strings.Contains(err.Error(), "AllowTo(443).Peer is nil") {
		t.Errorf("nil peer: %v", err)
	}
	if _, err := network.NewConnections(stack, "Bad Name", "sg-1").AllowTo(db, 1, "x"); err == nil || !strings.Contains(err.Error(), `name "Bad Name" must be 1-40 lowercase`) {
		t.Errorf("bad name: %v", err)
	}
}
