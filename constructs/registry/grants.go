package registry

import (
	"github.com/hybridstack/hybridstack/constructs/grant"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

var (
	pullActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
	pushActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"}
)

// authorizationToken lets the grantee log in to the registry (docker
// login, or the ECS agent and kubelet credential helpers). The action has
// no resource-level permissions, so it is its own statement on "*"; the
// token alone reads or writes nothing.
func authorizationToken() iamdoc.Statement {
	return iamdoc.Allow("AuthorizationToken", []string{"ecr:GetAuthorizationToken"}, "*")
}

// GrantPull lets g pull images from this repository
// (ecr:BatchCheckLayerAvailability, BatchGetImage and
// GetDownloadUrlForLayer on the repository, and ecr:GetAuthorizationToken),
// as one inline policy on g's role named "ecr-pull-<construct id>". A role
// that only runs the image, such as an ECS task execution role, needs
// this; the application's own role does not. No permission on a customer
// managed key is needed: ECR decrypts through its own grant.
//
// It returns an error wrapping validate.ErrInvalid when g is nil, and the
// error of g.AddToRolePolicy.
func (rep *Repository) GrantPull(g grant.Grantee) error {
	if err := rep.checkGrantee("GrantPull", g); err != nil {
		return err
	}
	return g.AddToRolePolicy("ecr-pull-"+names.ID(*rep.Node().Id()),
		iamdoc.Allow("Pull", pullActions, rep.RepositoryARN()), authorizationToken())
}

// GrantPush lets g push images to this repository
// (ecr:BatchCheckLayerAvailability, CompleteLayerUpload,
// InitiateLayerUpload, PutImage and UploadLayerPart on the repository, and
// ecr:GetAuthorizationToken), as one inline policy on g's role named
// "ecr-push-<construct id>". It does not include pulling: a build that
// reads images from the repository (as a cache or a base) needs GrantPull
// too. With immutable tags a push of an existing tag fails.
//
// It returns an error wrapping validate.ErrInvalid when g is nil, and the
// error of g.AddToRolePolicy.
func (rep *Repository) GrantPush(g grant.Grantee) error {
	if err := rep.checkGrantee("GrantPush", g); err != nil {
		return err
	}
	return g.AddToRolePolicy("ecr-push-"+names.ID(*rep.Node().Id()),
		iamdoc.Allow("Push", pushActions, rep.RepositoryARN()), authorizationToken())
}

func (rep *Repository) checkGrantee(method string, g grant.Grantee) error {
	if g != nil {
		return nil
	}
	r := validation.NewReport("registry", *rep.Node().Path())
	r.Addf(method+".Grantee", "is nil; give the handler, task or role that uses the repository")
	return r.Err()
}
