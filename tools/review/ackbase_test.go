package review

import (
	"bytes"
	"strings"
	"testing"
)

// TestAckBaseMessage: with the base's acknowledgement file given, an
// entry the base already held does not excuse the finding, and the
// comment says the address is listed but the entry came from the base,
// not "list the addresses".
func TestAckBaseMessage(t *testing.T) {
	base, _ := LoadDir("testdata/rename/base")
	head, _ := LoadDir("testdata/rename/head")
	acks, err := ParseAckFile("review-ack.json", []byte(`{"acknowledgements":[{"stack":"app","addresses":["aws_sqs_queue.work_queue_2","aws_cloudwatch_log_group.work_logs_2"],"classes":["data-loss"],"reason":"the queue is drained and the logs exported before the deploy"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	rep := Compare("a", "b", base, head, Options{Acks: acks.Without(acks)})
	if rep.Unacknowledged != 2 {
		t.Fatalf("%d unacknowledged, want 2: %+v", rep.Unacknowledged, rep.Findings)
	}
	if len(rep.BaseAcks) != 1 || rep.BaseAcks[0].Addresses[0] != "aws_sqs_queue.work_queue_2" {
		t.Errorf("base acknowledgements: %+v", rep.BaseAcks)
	}
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	want := "**2 high-risk change(s) not acknowledged.** `review-ack.json` lists `aws_cloudwatch_log_group.work_logs_2`, `aws_sqs_queue.work_queue_2`, but those entries were already in the base's ack file and so acknowledge nothing in this change: if the risk is intended again, add an entry for this change with its own reason.\n"
	if !strings.Contains(md, want) {
		t.Errorf("comment lacks\n%s\n%s", want, md)
	}
	if strings.Contains(md, "list the addresses with a reason") {
		t.Errorf("comment asks to list addresses the file lists:\n%s", md)
	}
	// Without the base's file the usual instruction stays.
	rep = Compare("a", "b", base, head, Options{})
	b.Reset()
	if err := rep.WriteMarkdown(&b, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "If they are intended, list the addresses with a reason in `review-ack.json` in this change.\n") || len(rep.BaseAcks) != 0 {
		t.Errorf("without -ack-base:\n%s", b.String())
	}
}
