package frontdoor

import (
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificatevalidation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2apimapping"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/apigatewayv2domainname"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
)

// Domain is a custom domain for the API.
type Domain struct {
	// Name is the domain, such as api.example.com. Required.
	Name string
	// HostedZoneID is the Route 53 zone for the alias (and DNS validation).
	// Required.
	HostedZoneID string
	// CertificateARN is an existing regional ACM certificate for Name.
	// Default: - a new certificate validated through DNS in HostedZoneID
	CertificateARN string
}

// domain creates the custom domain with TLS 1.2, its certificate (unless
// given), the API mapping and the alias record.
func (f *FrontDoor) domain(d Domain) {
	certARN := d.CertificateARN
	if certARN == "" {
		cert := acmcertificate.NewAcmCertificate(f, ptr.String("certificate"), &acmcertificate.AcmCertificateConfig{
			DomainName:       ptr.String(d.Name),
			ValidationMethod: ptr.String("DNS"),
			Tags:             ptr.Map(f.props.Tags),
			Lifecycle:        &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
		})
		// One domain, so one validation record: the first (only) element of
		// the certificate's validation options.
		option := "tolist(" + *cert.TerraformResourceType() + "." + *cert.FriendlyUniqueId() + ".domain_validation_options)[0]"
		record := route53record.NewRoute53Record(f, ptr.String("certificate-validation-record"), &route53record.Route53RecordConfig{
			ZoneId:         ptr.String(d.HostedZoneID),
			Name:           ptr.String("${" + option + ".resource_record_name}"),
			Type:           ptr.String("${" + option + ".resource_record_type}"),
			Records:        ptr.Strings([]string{"${" + option + ".resource_record_value}"}),
			Ttl:            ptr.Number(60),
			AllowOverwrite: true,
		})
		validated := acmcertificatevalidation.NewAcmCertificateValidation(f, ptr.String("certificate-validation"), &acmcertificatevalidation.AcmCertificateValidationConfig{
			CertificateArn:        cert.Arn(),
			ValidationRecordFqdns: ptr.Strings([]string{*record.Fqdn()}),
		})
		certARN = *validated.CertificateArn()
	}
	domain := apigatewayv2domainname.NewApigatewayv2DomainName(f, ptr.String("domain"), &apigatewayv2domainname.Apigatewayv2DomainNameConfig{
		DomainName: ptr.String(d.Name),
		DomainNameConfiguration: &apigatewayv2domainname.Apigatewayv2DomainNameDomainNameConfiguration{
			CertificateArn: ptr.String(certARN),
			EndpointType:   ptr.String("REGIONAL"),
			SecurityPolicy: ptr.String("TLS_1_2"),
		},
		Tags: ptr.Map(f.props.Tags),
	})
	apigatewayv2apimapping.NewApigatewayv2ApiMapping(f, ptr.String("mapping"), &apigatewayv2apimapping.Apigatewayv2ApiMappingConfig{
		ApiId:      f.api.Id(),
		DomainName: domain.Id(),
		Stage:      f.stage.Id(),
	})
	cfg := domain.DomainNameConfiguration()
	route53record.NewRoute53Record(f, ptr.String("alias"), &route53record.Route53RecordConfig{
		ZoneId: ptr.String(d.HostedZoneID),
		Name:   domain.DomainName(),
		Type:   ptr.String("A"),
		Alias: &route53record.Route53RecordAlias{
			Name:                 cfg.TargetDomainName(),
			ZoneId:               cfg.HostedZoneId(),
			EvaluateTargetHealth: false,
		},
	})
}
