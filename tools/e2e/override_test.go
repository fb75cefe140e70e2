package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestEndpointNames(t *testing.T) {
	schema := `{"format_version": "1.0", "provider_schemas": {"registry.terraform.io/hashicorp/aws": {"provider": {"block": {
	  "attributes": {"region": {"type": "string"}},
	  "block_types": {"endpoints": {"nesting_mode": "set", "block": {"attributes": {
	    "s3": {"type": "string"}, "s3api": {"type": "string"}, "logs": {"type": "string"},
	    "cloudwatchlogs": {"type": "string"}, "eks": {"type": "string"}, "sts": {"type": "string"}
	  }}}}}}}}}`
	got, err := EndpointNames([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"eks", "logs", "s3", "sts"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v (aliases dropped, sorted)", got, want)
	}
	if _, err := EndpointNames([]byte(`{"provider_schemas": {}}`)); err == nil {
		t.Error("no error without the aws provider")
	}
	if _, err := EndpointNames([]byte(`not json`)); err == nil {
		t.Error("no error for bad JSON")
	}
}

func TestEmulatorOverride(t *testing.T) {
	b, err := EmulatorOverride("http://127.0.0.1:5000", []string{"eks", "s3"}, []string{"", "use1"})
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Provider struct {
			AWS []map[string]any `json:"aws"`
		} `json:"provider"`
		Terraform struct {
			Backend map[string]map[string]string `json:"backend"`
		} `json:"terraform"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Provider.AWS) != 2 {
		t.Fatalf("providers: %v", o.Provider.AWS)
	}
	if _, ok := o.Provider.AWS[0]["alias"]; ok {
		t.Error("default provider has an alias")
	}
	if o.Provider.AWS[1]["alias"] != "use1" {
		t.Errorf("second provider alias: %v", o.Provider.AWS[1]["alias"])
	}
	for _, p := range o.Provider.AWS {
		for _, k := range []string{"skip_credentials_validation", "skip_metadata_api_check", "s3_use_path_style"} {
			if p[k] != true {
				t.Errorf("%s = %v", k, p[k])
			}
		}
		if p["access_key"] != FakeCredential || p["secret_key"] != FakeCredential {
			t.Error("no fake credentials")
		}
		eps := p["endpoints"].([]any)[0].(map[string]any)
		if !reflect.DeepEqual(eps, map[string]any{"eks": "http://127.0.0.1:5000", "s3": "http://127.0.0.1:5000"}) {
			t.Errorf("endpoints: %v", eps)
		}
	}
	if got := o.Terraform.Backend["local"]["path"]; got != StateFile {
		t.Errorf("backend path %q", got)
	}
}

func TestIgnoreOverride(t *testing.T) {
	c, err := ParseConfig([]byte(`{"resource": {
	  "aws_eks_cluster": {"c": {"lifecycle": {"ignore_changes": ["tags"], "prevent_destroy": false}}},
	  "aws_lambda_function": {"f": {}},
	  "aws_s3_bucket": {"b": {"lifecycle": {"ignore_changes": "all"}}}
	}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := IgnoreOverride(c, map[string][]string{
		"aws_eks_cluster.c":     {"access_config", "tags"},
		"aws_lambda_function.f": {"logging_config"},
		"aws_s3_bucket.b":       {"policy"},
		"aws_sqs_queue.missing": {"redrive_policy"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var o map[string]any
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"aws_eks_cluster":     map[string]any{"c": map[string]any{"lifecycle": map[string]any{"ignore_changes": []any{"tags", "access_config"}}}},
		"aws_lambda_function": map[string]any{"f": map[string]any{"lifecycle": map[string]any{"ignore_changes": []any{"logging_config"}}}},
	}
	if !reflect.DeepEqual(o["resource"], want) {
		t.Errorf("got %v\nwant %v", o["resource"], want)
	}
	if b, err := IgnoreOverride(c, map[string][]string{"aws_sqs_queue.missing": {"x"}}); b != nil || err != nil {
		t.Errorf("nothing to ignore: %s, %v", b, err)
	}
}
