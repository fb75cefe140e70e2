package serverless

import (
	"strings"

	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/storage"
)

// objectARN returns the ARN pattern for the objects under prefix.
func objectARN(b storage.BucketRef, prefix string) string {
	return b.BucketARN() + "/" + strings.TrimPrefix(prefix, "/") + "*"
}

// listStatement lets the function list the bucket, limited to prefix.
func listStatement(b storage.BucketRef, prefix string) iamdoc.Statement {
	st := iamdoc.Allow("List", []string{"s3:ListBucket"}, b.BucketARN())
	if prefix != "" {
		st.Condition = map[string]map[string]any{"StringLike": {"s3:prefix": []string{strings.TrimPrefix(prefix, "/") + "*"}}}
	}
	return st
}

// keyStatement lets the function use the bucket's customer managed key for
// the given actions, only through S3; nil when the bucket has no known key.
func keyStatement(b storage.BucketRef, sid string, actions ...string) []iamdoc.Statement {
	if b.KMSKeyARN() == "" {
		return nil
	}
	st := iamdoc.Allow(sid, actions, b.KMSKeyARN())
	st.Condition = map[string]map[string]any{"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}
	return []iamdoc.Statement{st}
}

// GrantRead lets the function list the bucket and read objects under
// prefix ("" for the whole bucket), decrypting them with the bucket's key.
func (h *Handler) GrantRead(b storage.BucketRef, prefix string) {
	h.addPolicy("read-"+*b.Node().Id(), append([]iamdoc.Statement{listStatement(b, prefix),
		iamdoc.Allow("Read", []string{"s3:GetObject", "s3:GetObjectVersion"}, objectARN(b, prefix))},
		keyStatement(b, "DecryptObjects", "kms:Decrypt")...)...)
}

// GrantWrite lets the function write objects under prefix, without
// deleting or reading them, encrypting them with the bucket's key
// (multipart uploads also need kms:Decrypt).
func (h *Handler) GrantWrite(b storage.BucketRef, prefix string) {
	h.addPolicy("write-"+*b.Node().Id(), append([]iamdoc.Statement{
		iamdoc.Allow("Write", []string{"s3:AbortMultipartUpload", "s3:PutObject"}, objectARN(b, prefix))},
		keyStatement(b, "EncryptObjects", "kms:Decrypt", "kms:GenerateDataKey")...)...)
}

// GrantReadWrite lets the function read, write and delete objects under
// prefix, with the bucket's key.
func (h *Handler) GrantReadWrite(b storage.BucketRef, prefix string) {
	h.addPolicy("read-write-"+*b.Node().Id(), append([]iamdoc.Statement{listStatement(b, prefix),
		iamdoc.Allow("ReadWrite", []string{"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, objectARN(b, prefix))},
		keyStatement(b, "UseObjectKey", "kms:Decrypt", "kms:GenerateDataKey")...)...)
}

// GrantConsume lets the function receive and delete messages of q.
func (h *Handler) GrantConsume(q QueueRef) {
	h.addPolicy("consume", iamdoc.Allow("Consume",
		[]string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}, q.QueueARN()))
}

// GrantSend lets the function send messages to q.
func (h *Handler) GrantSend(q QueueRef) {
	h.addPolicy("send", iamdoc.Allow("Send", []string{"sqs:GetQueueAttributes", "sqs:SendMessage"}, q.QueueARN()))
}

// GrantPublish lets the function publish to an SNS topic.
func (h *Handler) GrantPublish(topicARN string) {
	h.addPolicy("publish", iamdoc.Allow("Publish", []string{"sns:Publish"}, topicARN))
}

// GrantPutEvents lets the function put events on an EventBridge bus.
func (h *Handler) GrantPutEvents(busARN string) {
	h.addPolicy("put-events", iamdoc.Allow("PutEvents", []string{"events:PutEvents"}, busARN))
}

// GrantSecretRead lets the function read one Secrets Manager secret.
func (h *Handler) GrantSecretRead(secretARN string) {
	h.addPolicy("read-secret", iamdoc.Allow("ReadSecret", []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}, secretARN))
}

// GrantKeyUse lets the function encrypt and decrypt with a KMS key.
func (h *Handler) GrantKeyUse(keyARN string) {
	h.addPolicy("use-key", iamdoc.Allow("UseKey", []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"}, keyARN))
}
