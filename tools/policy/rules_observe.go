package policy

import (
	"maps"
	"slices"
)

// watchedTypes are the resource types that carry traffic, each with the
// attributes whose literal value a CloudWatch dimension would hold (a
// function name, a queue name, a DB instance identifier); an alarm whose
// dimension refers to the resource or holds one of those values watches
// it. Attributes known only after apply (ids, ARN suffixes) are matched by
// reference.
var watchedTypes = map[string][]string{
	"aws_lambda_function":    {"function_name"},
	"aws_sqs_queue":          {"name"},
	"aws_apigatewayv2_api":   nil,
	"aws_lb":                 nil,
	"aws_ecs_service":        {"name"},
	"aws_vpclattice_service": {"name"},
	"aws_db_instance":        {"identifier"},
	"aws_msk_cluster":        {"cluster_name"},
	"aws_efs_file_system":    nil,
}

// checkAlarmCoverage is OBS-001: it reports traffic-carrying resources
// that no aws_cloudwatch_metric_alarm in the stack watches: none has a
// dimension value (in dimensions, or in a metric of metric_query) that
// refers to the resource or equals its name.
func checkAlarmCoverage(d *Doc, emit emitFunc) {
	watched := map[string]bool{} // addresses and literal dimension values
	for _, a := range d.Of("aws_cloudwatch_metric_alarm") {
		var values []any
		values = append(values, a.Attrs["dimensions"])
		for _, q := range blocks(a.Attrs, "metric_query") {
			values = append(values, block(q, "metric")["dimensions"])
		}
		for _, v := range values {
			dims, _ := v.(map[string]any)
			for _, dv := range dims {
				for _, addr := range refs(dv) {
					watched[addr] = true
				}
				if s := str(dv); s != "" && !isToken(s) {
					watched["="+s] = true
				}
			}
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(watchedTypes)) {
		for _, r := range d.Of(typ) {
			ok := watched[r.Address()]
			for _, attr := range watchedTypes[typ] {
				if v := str(r.Attrs[attr]); v != "" && !isToken(v) {
					ok = ok || watched["="+v]
				}
			}
			if !ok {
				emit(r, "", "no aws_cloudwatch_metric_alarm in the stack has a dimension naming it: when it fails or saturates nobody is told")
			}
		}
	}
}
