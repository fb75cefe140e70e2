package policy

import "fmt"

// checkSQSEncryption is SQS-001: it reports queues with SSE explicitly off,
// or with neither SQS-managed SSE nor a KMS key.
func checkSQSEncryption(d *Doc, emit emitFunc) {
	for _, q := range d.Of("aws_sqs_queue") {
		if q.Attrs["sqs_managed_sse_enabled"] == false || (!truthy(q.Attrs["sqs_managed_sse_enabled"]) && str(q.Attrs["kms_master_key_id"]) == "") {
			emit(q, "sqs_managed_sse_enabled", "messages are not encrypted at rest")
		}
	}
}

// checkSQSDeadLetterQueue is SQS-002: it reports queues with no redrive
// policy that are not themselves a dead-letter queue or failure destination
// (isDeadLetter).
func checkSQSDeadLetterQueue(d *Doc, emit emitFunc) {
	for _, q := range d.Of("aws_sqs_queue") {
		if str(q.Attrs["redrive_policy"]) != "" || isDeadLetter(d, q) {
			continue
		}
		emit(q, "redrive_policy", "messages that keep failing are retried until they expire")
	}
}

// checkSQSVisibilityTimeout is SQS-003: it reports queues whose visibility
// timeout (default 30 s) is shorter than the timeout (default 3 s) of a
// Lambda function an event source mapping feeds from them.
func checkSQSVisibilityTimeout(d *Doc, emit emitFunc) {
	for _, m := range d.Of("aws_lambda_event_source_mapping") {
		var queue, fn *Resource
		for _, a := range refs(m.Attrs["event_source_arn"]) {
			if r, ok := d.Get(a); ok && r.Type == "aws_sqs_queue" {
				queue = &r
			}
		}
		for _, a := range refs(m.Attrs["function_name"]) {
			if r, ok := d.Get(a); ok && r.Type == "aws_lambda_function" {
				fn = &r
			}
		}
		if queue == nil || fn == nil {
			continue
		}
		vt, ok := num(queue.Attrs["visibility_timeout_seconds"])
		if !ok {
			vt = 30
		}
		timeout, ok := num(fn.Attrs["timeout"])
		if !ok {
			timeout = 3
		}
		if vt < timeout {
			emit(*queue, "visibility_timeout_seconds", fmt.Sprintf("visibility timeout %g s is shorter than consumer %s's timeout %g s: messages are delivered again while being processed", vt, fn.Address(), timeout))
		}
	}
}

// isDeadLetter reports whether another queue, an event invoke config or an
// event source mapping sends failures to q.
func isDeadLetter(d *Doc, q Resource) bool {
	for _, other := range d.Of("aws_sqs_queue") {
		if refersTo(other.Attrs["redrive_policy"], q.Address()) {
			return true
		}
	}
	for _, c := range d.Of("aws_lambda_function_event_invoke_config") {
		if refersTo(c.Attrs["destination_config"], q.Address()) {
			return true
		}
	}
	for _, m := range d.Of("aws_lambda_event_source_mapping") {
		if refersTo(m.Attrs["destination_config"], q.Address()) {
			return true
		}
	}
	for _, s := range d.Of("aws_scheduler_schedule") {
		if refersTo(path(s.Attrs, "target", "dead_letter_config"), q.Address()) {
			return true
		}
	}
	return false
}
