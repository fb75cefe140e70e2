package imagepipeline_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/stacks/base"
	"github.com/hybridstack/hybridstack/stacks/imagepipeline"
)

type doc struct {
	Resource map[string]map[string]map[string]any `json:"resource"`
	Output   map[string]any                       `json:"output"`
}

func synth(t *testing.T, s base.Settings) doc {
	t.Helper()
	p, err := imagepipeline.New(cdktf.Testing_App(nil), s)
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	if err := json.Unmarshal([]byte(*cdktf.Testing_Synth(p.Stack, nil)), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func block(r map[string]any, key string) map[string]any {
	switch v := r[key].(type) {
	case map[string]any:
		return v
	case []any:
		return v[0].(map[string]any)
	}
	return nil
}

func TestPipelineIsSecureAndObservable(t *testing.T) {
	d := synth(t, base.Settings{}.WithDefaults())
	r := d.Resource
	for _, typ := range []string{"aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning", "aws_s3_bucket_policy", "aws_s3_bucket_lifecycle_configuration"} {
		if len(r[typ]) != 2 {
			t.Errorf("%d %s, want one per bucket", len(r[typ]), typ)
		}
	}
	for name, b := range r["aws_s3_bucket"] {
		if block(b, "lifecycle")["prevent_destroy"] != true {
			t.Errorf("%s is not protected from destroy", name)
		}
	}
	if len(r["aws_s3_bucket_notification"]) != 1 {
		t.Errorf("%d bucket notifications, want 1", len(r["aws_s3_bucket_notification"]))
	}
	var fn map[string]any
	for _, f := range r["aws_lambda_function"] {
		fn = f
	}
	if block(fn, "tracing_config")["mode"] != "Active" || fn["runtime"] != "provided.al2023" || strings.Join(toStrings(fn["architectures"]), "") != "arm64" {
		t.Errorf("function = %v", fn)
	}
	env := block(fn, "environment")["variables"].(map[string]any)
	if env["WIDTHS"] != "320,640,1280" || !strings.Contains(env["OUTPUT_BUCKET"].(string), "aws_s3_bucket.output") {
		t.Errorf("environment = %v", env)
	}
	for _, lg := range r["aws_cloudwatch_log_group"] {
		if lg["name"] != "/aws/lambda/imagepipeline-resize" || lg["retention_in_days"] != float64(90) {
			t.Errorf("log group = %v", lg)
		}
	}
	topic := ""
	for name := range r["aws_sns_topic"] {
		topic = "aws_sns_topic." + name + ".arn"
	}
	for _, tp := range r["aws_sns_topic"] {
		if tp["kms_master_key_id"] == nil {
			t.Error("alerts topic is not encrypted")
		}
	}
	errorsAlarm := false
	for _, a := range r["aws_cloudwatch_metric_alarm"] {
		if !strings.Contains(strings.Join(toStrings(a["alarm_actions"]), ""), topic) {
			t.Errorf("alarm %v does not notify %s", a["alarm_name"], topic)
		}
		errorsAlarm = errorsAlarm || a["metric_name"] == "Errors"
	}
	if !errorsAlarm {
		t.Error("no alarm on function errors")
	}
	if len(r["aws_sqs_queue"]) != 1 || len(r["aws_lambda_function_event_invoke_config"]) != 1 {
		t.Error("no failure queue wired to async invocations")
	}
	for _, p := range r["aws_iam_role_policy"] {
		pol := p["policy"].(string)
		if strings.Contains(pol, "s3:DeleteObject") || strings.Contains(pol, "s3:*") {
			t.Errorf("role can delete or do anything: %s", pol)
		}
	}
	for _, o := range []string{"upload_bucket", "output_bucket", "function_name", "failed_events_queue", "alerts_topic"} {
		if d.Output[o] == nil {
			t.Errorf("output %s missing", o)
		}
	}
}

func TestPipelineDisposable(t *testing.T) {
	d := synth(t, base.Settings{Disposable: true}.WithDefaults())
	for name, b := range d.Resource["aws_s3_bucket"] {
		if b["lifecycle"] != nil || b["force_destroy"] != true {
			t.Errorf("disposable bucket %s = %v", name, b)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

// S3 suffix filters are case-sensitive: IMG_0001.JPG must be resized too.
func TestUploadsMatchBothCases(t *testing.T) {
	r := synth(t, base.Settings{}.WithDefaults()).Resource
	var suffixes []string
	for _, n := range r["aws_s3_bucket_notification"] {
		fns, _ := n["lambda_function"].([]any)
		for _, f := range fns {
			suffixes = append(suffixes, f.(map[string]any)["filter_suffix"].(string))
		}
	}
	for _, want := range []string{".jpg", ".JPG", ".jpeg", ".JPEG", ".png", ".PNG"} {
		found := false
		for _, s := range suffixes {
			found = found || s == want
		}
		if !found {
			t.Errorf("no notification for suffix %s (have %v)", want, suffixes)
		}
	}
}

// STANDARD_IA takes no objects under 128 KB, so the transition applies only
// to the widest renditions; buckets use their own customer managed keys.
func TestRenditionStorage(t *testing.T) {
	r := synth(t, base.Settings{}.WithDefaults()).Resource
	var prefixes []string
	for _, lc := range r["aws_s3_bucket_lifecycle_configuration"] {
		for _, rule := range lc["rule"].([]any) {
			rule := rule.(map[string]any)
			if rule["transition"] != nil {
				prefixes = append(prefixes, block(rule, "filter")["prefix"].(string))
			}
		}
	}
	if strings.Join(prefixes, ",") != "renditions/1280/" {
		t.Errorf("transition rules cover %v; want only the 1280-pixel renditions", prefixes)
	}
	for name, enc := range r["aws_s3_bucket_server_side_encryption_configuration"] {
		rule := block(enc, "rule")
		if block(rule, "apply_server_side_encryption_by_default")["sse_algorithm"] != "aws:kms" || rule["bucket_key_enabled"] != true {
			t.Errorf("%s encryption = %v", name, rule)
		}
	}
}

// The handler checks whether a rendition exists before rendering it again;
// HeadObject needs s3:GetObject (and ListBucket for a 404 rather than 403).
func TestHandlerMayCheckItsRenditions(t *testing.T) {
	r := synth(t, base.Settings{}.WithDefaults()).Resource
	found := false
	for name, p := range r["aws_iam_role_policy"] {
		pol := p["policy"].(string)
		if strings.HasPrefix(name, "resize_policy-read-output") && strings.Contains(pol, `"s3:GetObject"`) && strings.Contains(pol, "aws_s3_bucket.output_bucket") && strings.Contains(pol, "/renditions/*") {
			found = true
		}
	}
	if !found {
		t.Error("the resize function cannot read (HeadObject) its own renditions")
	}
}
