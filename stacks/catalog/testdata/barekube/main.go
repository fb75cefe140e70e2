// Command barekube is testdata/bare plus the kubernetes and helm bindings:
// the same empty stack with both providers configured, so that jsii loads
// their assemblies. BenchmarkBindingsStartup compares it with bare.
package main

import (
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	helm "github.com/cdktf/cdktf-provider-helm-go/helm/v10/provider"
	kubernetes "github.com/cdktf/cdktf-provider-kubernetes-go/kubernetes/v11/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(os.Args[1])})
	stack := cdktf.NewTerraformStack(app, jsii.String("bare"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	kubernetes.NewKubernetesProvider(stack, jsii.String("kubernetes"), &kubernetes.KubernetesProviderConfig{Host: jsii.String("https://example.invalid")})
	helm.NewHelmProvider(stack, jsii.String("helm"), &helm.HelmProviderConfig{})
	app.Synth()
}
