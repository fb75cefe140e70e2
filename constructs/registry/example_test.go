package registry_test

import (
	"encoding/json"
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/tftest"
	"github.com/hybridstack/hybridstack/constructs/lambdacode"
	"github.com/hybridstack/hybridstack/constructs/registry"
	"github.com/hybridstack/hybridstack/constructs/serverless"
)

// A repository with the defaults: immutable tags, scan on push, images
// encrypted with the AWS managed key aws/ecr, untagged images expired after
// a week, the 30 newest tagged images kept, and protected from terraform
// destroy. A deployment function may pull from it.
func ExampleNewRepository() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("example"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	api, err := registry.NewRepository(stack, "api", registry.RepositoryProps{Name: "payments/api"})
	if err != nil {
		fmt.Println(err)
		return
	}
	deployer, err := serverless.NewHandler(stack, "deployer", serverless.HandlerProps{Code: lambdacode.FromS3("acme-artifacts", "deployer.zip", "")})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := api.GrantPull(deployer); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range tftest.Collect(stack, "aws_ecr_repository", func(a map[string]any) string {
		return fmt.Sprintf("%s: tags %s, scan on push %v", a["name"], a["image_tag_mutability"], tftest.Block(a, "image_scanning_configuration")["scan_on_push"])
	}) {
		fmt.Println(line)
	}
	for _, p := range tftest.Collect(stack, "aws_ecr_lifecycle_policy", func(a map[string]any) string { return fmt.Sprint(a["policy"]) }) {
		var policy struct {
			Rules []struct {
				RulePriority int
				Description  string
			}
		}
		if err := json.Unmarshal([]byte(p), &policy); err != nil {
			fmt.Println(err)
			return
		}
		for _, r := range policy.Rules {
			fmt.Println(r.RulePriority, r.Description)
		}
	}

	_, err = registry.NewRepository(stack, "web", registry.RepositoryProps{Name: "Payments/Web", MaxImages: 20000})
	fmt.Println(err)
	// Output:
	// payments/api: tags IMMUTABLE, scan on push true
	// 1 Expire untagged images 7 days after push
	// 2 Keep the 30 most recent tagged images
	// registry "example/web": Name "Payments/Web" is not an ECR repository name (2-256 lowercase letters and digits, separated by '.', '_' or '-' within a component and '/' between components, such as "payments/api")
	// registry "example/web": MaxImages 20000 is outside 1-10000, the tagged images a repository may keep (ECR's default quota is 10000 images per repository)
}
