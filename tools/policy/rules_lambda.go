package policy

import (
	"maps"
	"slices"
	"strings"
)

// checkLambdaTracing is LAM-001: it reports functions whose X-Ray tracing
// mode is not Active.
func checkLambdaTracing(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_lambda_function") {
		if str(path(r.Attrs, "tracing_config", "mode")) != "Active" {
			emit(r, "tracing_config.mode", "X-Ray tracing is not Active")
		}
	}
}

// checkLambdaPermissionSource is LAM-002: it reports permissions for an AWS
// service principal without a source_arn, with a source_arn naming only
// resources outside the stack, and S3 permissions without source_account.
func checkLambdaPermissionSource(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_lambda_permission") {
		principal := str(r.Attrs["principal"])
		if !strings.HasSuffix(principal, ".amazonaws.com") {
			continue
		}
		src := r.Attrs["source_arn"]
		if str(src) == "" {
			emit(r, "source_arn", "any "+principal+" resource of any account may invoke the function")
			continue
		}
		if isToken(src) {
			resolved := false
			for _, a := range refs(src) {
				if _, ok := d.Get(a); ok {
					resolved = true
				}
			}
			if !resolved && len(refs(src)) > 0 {
				emit(r, "source_arn", "source_arn refers to a resource that is not in the stack")
			}
		}
		if principal == "s3.amazonaws.com" && r.Attrs["source_account"] == nil {
			emit(r, "source_account", "S3 bucket ARNs carry no account; without source_account a bucket of the same name in another account could invoke")
		}
	}
}

// checkLambdaURLAuth is LAM-003: it reports function URLs with
// authorization_type NONE.
func checkLambdaURLAuth(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_lambda_function_url") {
		if str(r.Attrs["authorization_type"]) == "NONE" {
			emit(r, "authorization_type", "anyone on the Internet can invoke the function")
		}
	}
}

// checkLambdaAsyncFailureDestination is LAM-004: it reports functions
// invoked asynchronously (by S3 notifications, SNS subscriptions or
// EventBridge targets) that have neither a dead_letter_config nor an event
// invoke config with an on-failure destination.
func checkLambdaAsyncFailureDestination(d *Doc, emit emitFunc) {
	async := map[string]bool{}
	for _, n := range d.Of("aws_s3_bucket_notification") {
		for _, lf := range blocks(n.Attrs, "lambda_function") {
			for _, a := range refs(lf["lambda_function_arn"]) {
				async[a] = true
			}
		}
	}
	for _, s := range d.Of("aws_sns_topic_subscription") {
		if str(s.Attrs["protocol"]) == "lambda" {
			for _, a := range refs(s.Attrs["endpoint"]) {
				async[a] = true
			}
		}
	}
	for _, t := range d.Of("aws_cloudwatch_event_target") {
		for _, a := range refs(t.Attrs["arn"]) {
			async[a] = true
		}
	}
	for _, fn := range d.Of("aws_lambda_function") {
		if !async[fn.Address()] {
			continue
		}
		if block(fn.Attrs, "dead_letter_config") != nil {
			continue
		}
		ok := false
		for _, c := range d.referrers("aws_lambda_function_event_invoke_config", "function_name", fn.Address()) {
			if str(path(c.Attrs, "destination_config", "on_failure", "destination")) != "" {
				ok = true
			}
		}
		if !ok {
			emit(fn, "", "asynchronous events that fail every retry are lost (no on-failure destination or DLQ)")
		}
	}
}

// checkLambdaEnvSecrets is LAM-005: it reports literal environment variables
// of functions that look like secrets, by value or by name (unless the value
// looks like a reference to where the secret lives).
func checkLambdaEnvSecrets(d *Doc, emit emitFunc) {
	for _, fn := range d.Of("aws_lambda_function") {
		vars, _ := block(fn.Attrs, "environment")["variables"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			v := str(vars[k])
			if v == "" || isToken(v) {
				continue
			}
			if LooksLikeSecret(k, v) {
				emit(fn, "environment.variables."+k, "holds what looks like a secret in plain text")
			}
		}
	}
}

// checkLambdaLogGroup is LAM-006: it reports functions with no log group in
// the stack, either /aws/lambda/<function_name> or the one
// logging_config.log_group names.
func checkLambdaLogGroup(d *Doc, emit emitFunc) {
	groups := map[string]bool{}
	for _, g := range d.Of("aws_cloudwatch_log_group") {
		groups[str(g.Attrs["name"])] = true
		groups[g.Address()] = true
	}
	for _, fn := range d.Of("aws_lambda_function") {
		lg := path(fn.Attrs, "logging_config", "log_group")
		owned := groups["/aws/lambda/"+str(fn.Attrs["function_name"])]
		for _, a := range refs(lg) {
			owned = owned || groups[a]
		}
		if !owned {
			emit(fn, "logging_config.log_group", "Lambda creates its log group itself, with no retention, and the role needs logs:CreateLogGroup")
		}
	}
}
