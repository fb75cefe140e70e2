package storage_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/observe"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

const fsAlarmTopic = "arn:aws:sns:eu-west-1:123456789012:alarms"

// resolveToken returns what a token renders to in stack's JSON.
func resolveToken(stack cdktf.TerraformStack, token string) string {
	s, _ := cdktf.Tokenization_Resolve(token, &cdktf.ResolveOptions{
		Scope: stack, Resolver: cdktf.NewDefaultTokenResolver(cdktf.NewStringConcat()),
	}).(string)
	return s
}

// fileSystemSeries lists every series of sig as "signal name/stat", and
// checks that each selects the file system fsID.
func fileSystemSeries(t *testing.T, stack cdktf.TerraformStack, sig observe.Signals, fsID string) []string {
	t.Helper()
	var out []string
	for _, w := range sig.Widgets {
		for _, m := range w.Metrics {
			if m.Namespace != "AWS/EFS" || resolveToken(stack, m.Dimensions["FileSystemId"]) != fsID {
				t.Errorf("%s: namespace %q, dimensions %v; want AWS/EFS and FileSystemId %s", m.Name, m.Namespace, m.Dimensions, fsID)
			}
			name := m.Name
			if c := m.Dimensions["StorageClass"]; c != "" {
				name += "[" + c + "]"
			} else if len(m.Dimensions) != 1 {
				t.Errorf("%s: dimensions %v", m.Name, m.Dimensions)
			}
			out = append(out, string(w.Signal)+" "+name+"/"+m.Stat)
		}
	}
	return out
}

func TestFileSystemSignals(t *testing.T) {
	stack, fs := newFileSystem(t, func(p *storage.FileSystemProps) { p.AlarmTopicARN = fsAlarmTopic })
	var src observe.Source = fs
	sig := src.Signals()
	doc := tftest.Synth(t, stack)
	efs := doc.One(t, "aws_efs_file_system", "shared")
	fsID := "${" + doc.Address(t, "aws_efs_file_system", "shared") + ".id}"
	token, _ := efs["creation_token"].(string)

	if sig.Title != "EFS file system shared" || len(sig.LogGroups) != 0 {
		t.Errorf("Title %q, LogGroups %v", sig.Title, sig.LogGroups)
	}
	want := []string{
		"traffic DataReadIOBytes/Sum", "traffic DataWriteIOBytes/Sum", "traffic MetadataIOBytes/Sum", "traffic ClientConnections/Sum",
		"saturation PercentIOLimit/Maximum", "saturation StorageBytes[Total]/Average",
	}
	if got := fileSystemSeries(t, stack, sig, fsID); !reflect.DeepEqual(got, want) {
		t.Errorf("series:\n got %v\nwant %v", got, want)
	}
	if last := sig.Widgets[len(sig.Widgets)-1]; last.PeriodSeconds != 900 {
		t.Errorf("StorageBytes widget period %d, want 900 (EFS publishes it every 15 minutes)", last.PeriodSeconds)
	}

	// Elastic throughput earns no credits: one alarm.
	alarms := doc.Resources("aws_cloudwatch_metric_alarm")
	if len(alarms) != 1 || len(sig.Alarms) != 1 {
		t.Fatalf("alarms in JSON %v, in Signals %v; want the I/O limit alarm only", ptr.SortedKeys(alarms), sig.Alarms)
	}
	if arn := resolveToken(stack, sig.Alarms[0].ARN); arn != "${"+doc.Address(t, "aws_cloudwatch_metric_alarm", "io-limit-alarm")+".arn}" {
		t.Errorf("alarm ARN = %q", arn)
	}
	a := doc.One(t, "aws_cloudwatch_metric_alarm", "io-limit-alarm")
	wantAlarm := map[string]any{
		"alarm_name": token + "-io-limit-alarm", "namespace": "AWS/EFS", "metric_name": "PercentIOLimit", "statistic": "Average",
		"dimensions": map[string]any{"FileSystemId": fsID}, "threshold": float64(storage.FileSystemIOLimitAlarmPercent),
		"comparison_operator": "GreaterThanOrEqualToThreshold", "period": float64(300), "evaluation_periods": float64(3),
		"alarm_actions": []any{fsAlarmTopic}, "ok_actions": []any{fsAlarmTopic},
	}
	for _, k := range ptr.SortedKeys(wantAlarm) {
		if !reflect.DeepEqual(a[k], wantAlarm[k]) {
			t.Errorf("io-limit-alarm %s = %#v, want %#v", k, a[k], wantAlarm[k])
		}
	}
}

func TestFileSystemSignalsBursting(t *testing.T) {
	stack, fs := newFileSystem(t, func(p *storage.FileSystemProps) { p.ThroughputMode = storage.ThroughputBursting })
	sig := fs.Signals()
	doc := tftest.Synth(t, stack)
	fsID := "${" + doc.Address(t, "aws_efs_file_system", "shared") + ".id}"
	if got := fileSystemSeries(t, stack, sig, fsID); !strings.Contains(strings.Join(got, ","), "saturation BurstCreditBalance/Minimum") {
		t.Errorf("series %v lack the burst credit balance", got)
	}
	if len(sig.Alarms) != 2 {
		t.Errorf("Signals alarms %v, want the I/O limit and burst credit alarms", sig.Alarms)
	}
	a := doc.One(t, "aws_cloudwatch_metric_alarm", "burst-credits-alarm")
	if a["metric_name"] != "BurstCreditBalance" || a["statistic"] != "Minimum" || a["comparison_operator"] != "LessThanOrEqualToThreshold" ||
		a["threshold"] != float64(100*(1<<20)*3600) || a["alarm_actions"] != nil || !reflect.DeepEqual(a["dimensions"], map[string]any{"FileSystemId": fsID}) {
		t.Errorf("burst credit alarm = %v", a)
	}
}

func TestFileSystemAlarmTopicValidation(t *testing.T) {
	stack := tftest.NewStack(t)
	_, err := storage.NewFileSystem(stack, "shared", storage.FileSystemProps{Name: "shared", VPC: fsVPC(t, stack), AlarmTopicARN: "alarms"})
	if err == nil || !strings.Contains(err.Error(), `storage "test/shared": AlarmTopicARN "alarms" is not an SNS topic ARN`) {
		t.Errorf("err = %v", err)
	}
}
