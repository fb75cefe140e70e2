package storage

import (
	"strings"

	"github.com/hybridstack/hybridstack/constructs/awsenv"
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
)

// objectARN returns the ARN pattern for the objects under prefix.
func objectARN(b BucketRef, prefix string) string {
	return b.BucketARN() + "/" + strings.TrimPrefix(prefix, "/") + "*"
}

// listStatement lets the grantee list the bucket, limited to prefix.
func listStatement(b BucketRef, prefix string) iamdoc.Statement {
	st := iamdoc.Allow("List", []string{"s3:ListBucket"}, b.BucketARN())
	if prefix != "" {
		st.Condition = map[string]map[string]any{"StringLike": {"s3:prefix": []string{strings.TrimPrefix(prefix, "/") + "*"}}}
	}
	return st
}

// keyStatement lets the grantee use the bucket's customer managed key for
// the given actions, only through S3 in the stack's Region; nil when the
// bucket has no known key.
func keyStatement(b BucketRef, sid string, actions ...string) ([]iamdoc.Statement, error) {
	if b.KMSKeyARN() == "" {
		return nil, nil
	}
	env, err := awsenv.Of(b)
	if err != nil {
		return nil, err
	}
	st := iamdoc.Allow(sid, actions, b.KMSKeyARN())
	st.Condition = map[string]map[string]any{"StringEquals": {"kms:ViaService": "s3." + env.Region + ".amazonaws.com"}}
	return []iamdoc.Statement{st}, nil
}

// grantRead lets g list the bucket and read objects under prefix.
func grantRead(b BucketRef, g grant.Grantee, prefix string) error {
	key, err := keyStatement(b, "DecryptObjects", "kms:Decrypt")
	if err != nil {
		return err
	}
	return g.AddToRolePolicy("read-"+*b.Node().Id(), append([]iamdoc.Statement{listStatement(b, prefix),
		iamdoc.Allow("Read", []string{"s3:GetObject", "s3:GetObjectVersion"}, objectARN(b, prefix))}, key...)...)
}

// grantWrite lets g write objects under prefix.
func grantWrite(b BucketRef, g grant.Grantee, prefix string) error {
	key, err := keyStatement(b, "EncryptObjects", "kms:Decrypt", "kms:GenerateDataKey")
	if err != nil {
		return err
	}
	return g.AddToRolePolicy("write-"+*b.Node().Id(), append([]iamdoc.Statement{
		iamdoc.Allow("Write", []string{"s3:AbortMultipartUpload", "s3:PutObject"}, objectARN(b, prefix))}, key...)...)
}

// grantReadWrite lets g read, write and delete objects under prefix.
func grantReadWrite(b BucketRef, g grant.Grantee, prefix string) error {
	key, err := keyStatement(b, "UseObjectKey", "kms:Decrypt", "kms:GenerateDataKey")
	if err != nil {
		return err
	}
	return g.AddToRolePolicy("read-write-"+*b.Node().Id(), append([]iamdoc.Statement{listStatement(b, prefix),
		iamdoc.Allow("ReadWrite", []string{"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}, objectARN(b, prefix))}, key...)...)
}

// GrantRead lets g list the bucket and read objects (and their versions)
// under prefix ("" for the whole bucket), decrypting them with the bucket's
// key through S3 only.
func (b *Bucket) GrantRead(g grant.Grantee, prefix string) error { return grantRead(b, g, prefix) }

// GrantWrite lets g write objects under prefix, without reading or
// deleting them, encrypting with the bucket's key (multipart uploads also
// need kms:Decrypt).
func (b *Bucket) GrantWrite(g grant.Grantee, prefix string) error { return grantWrite(b, g, prefix) }

// GrantReadWrite lets g read, write and delete objects under prefix, with
// the bucket's key.
func (b *Bucket) GrantReadWrite(g grant.Grantee, prefix string) error {
	return grantReadWrite(b, g, prefix)
}

// GrantRead is Bucket.GrantRead for an imported bucket.
func (i *imported) GrantRead(g grant.Grantee, prefix string) error { return grantRead(i, g, prefix) }

// GrantWrite is Bucket.GrantWrite for an imported bucket.
func (i *imported) GrantWrite(g grant.Grantee, prefix string) error { return grantWrite(i, g, prefix) }

// GrantReadWrite is Bucket.GrantReadWrite for an imported bucket.
func (i *imported) GrantReadWrite(g grant.Grantee, prefix string) error {
	return grantReadWrite(i, g, prefix)
}
