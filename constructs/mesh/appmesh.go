package mesh

import (
	"fmt"
	"strings"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appmeshgatewayroute"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appmeshroute"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appmeshvirtualgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appmeshvirtualnode"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appmeshvirtualrouter"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appmeshvirtualservice"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/nag"
)

// renderAppMesh creates a virtual node per version, a virtual router with
// one route per intent route, the virtual service, an optional virtual
// gateway, and the IRSA role of the workload's Envoy sidecars.
func (vs *VirtualService) renderAppMesh() error {
	p := vs.props
	n := p.Network
	mesh := ptr.String(n.meshName)
	tags := ptr.Map(n.tags)
	vs.dnsName = k8sHost(p.Name, p.Namespace)

	nodeNames, nodeARNs, err := vs.appMeshNodes(mesh, tags, appMeshBackends(p.Backends))
	if err != nil {
		return err
	}
	router := vs.appMeshRouter(mesh, tags, nodeNames)
	service := appmeshvirtualservice.NewAppmeshVirtualService(vs, ptr.String("service"), &appmeshvirtualservice.AppmeshVirtualServiceConfig{
		MeshName: mesh,
		Name:     ptr.String(vs.dnsName),
		Spec: &appmeshvirtualservice.AppmeshVirtualServiceSpec{
			Provider: &appmeshvirtualservice.AppmeshVirtualServiceSpecProvider{
				VirtualRouter: &appmeshvirtualservice.AppmeshVirtualServiceSpecProviderVirtualRouter{VirtualRouterName: router.Name()},
			},
		},
		Tags: tags,
	})
	vs.appMeshService = service
	vs.arn = *service.Arn()

	if g := p.Gateway; g != nil {
		vs.appMeshGateway(mesh, tags, g, service)
	}
	return vs.appMeshEnvoyRole(nodeARNs)
}

// appMeshBackends returns the virtual node backends of the services a
// workload calls, each enforcing TLS against its CA when the backend
// serves TLS.
func appMeshBackends(services []*VirtualService) []*appmeshvirtualnode.AppmeshVirtualNodeSpecBackend {
	var backends []*appmeshvirtualnode.AppmeshVirtualNodeSpecBackend
	for _, b := range services {
		be := &appmeshvirtualnode.AppmeshVirtualNodeSpecBackendVirtualService{VirtualServiceName: ptr.String(b.dnsName)}
		if b.tls != nil {
			be.ClientPolicy = &appmeshvirtualnode.AppmeshVirtualNodeSpecBackendVirtualServiceClientPolicy{
				Tls: &appmeshvirtualnode.AppmeshVirtualNodeSpecBackendVirtualServiceClientPolicyTls{
					Enforce: true,
					Validation: &appmeshvirtualnode.AppmeshVirtualNodeSpecBackendVirtualServiceClientPolicyTlsValidation{
						Trust: &appmeshvirtualnode.AppmeshVirtualNodeSpecBackendVirtualServiceClientPolicyTlsValidationTrust{
							Acm: &appmeshvirtualnode.AppmeshVirtualNodeSpecBackendVirtualServiceClientPolicyTlsValidationTrustAcm{
								CertificateAuthorityArns: ptr.Strings([]string{b.tls.CertificateAuthorityARN}),
							},
						},
					},
				},
			}
		}
		backends = append(backends, &appmeshvirtualnode.AppmeshVirtualNodeSpecBackend{VirtualService: be})
	}
	return backends
}

// appMeshNodes creates a virtual node per version: an HTTP listener with
// the health check, outlier detection and TLS of the intent, DNS (or Cloud
// Map) discovery, access logs to stdout and the backends. Plaintext
// backends carry their documented reason as a MESH-002 suppression. It
// returns each version's node name and every node's ARN.
func (vs *VirtualService) appMeshNodes(mesh *string, tags *map[string]*string, backends []*appmeshvirtualnode.AppmeshVirtualNodeSpecBackend) (map[string]string, []string, error) {
	p := vs.props
	hc := p.HealthCheck
	// Backends without TLS carry their documented reason to this client.
	var plaintext []string
	for _, b := range p.Backends {
		if b.tls == nil {
			plaintext = append(plaintext, "backend "+b.props.Name+" is plaintext: "+b.props.PlaintextReason)
		}
	}
	nodeNames := map[string]string{}
	var nodeARNs []string
	for _, v := range p.Versions {
		listener := &appmeshvirtualnode.AppmeshVirtualNodeSpecListener{
			PortMapping: &appmeshvirtualnode.AppmeshVirtualNodeSpecListenerPortMapping{Port: ptr.Number(p.Port), Protocol: ptr.String("http")},
			HealthCheck: &appmeshvirtualnode.AppmeshVirtualNodeSpecListenerHealthCheck{
				Protocol:           ptr.String("http"),
				Path:               ptr.String(hc.Path),
				IntervalMillis:     ptr.Number(hc.IntervalSeconds * 1000),
				TimeoutMillis:      ptr.Number(hc.TimeoutSeconds * 1000),
				HealthyThreshold:   ptr.Number(hc.HealthyThreshold),
				UnhealthyThreshold: ptr.Number(hc.UnhealthyThreshold),
			},
		}
		if o := p.OutlierDetection; o != nil {
			listener.OutlierDetection = &appmeshvirtualnode.AppmeshVirtualNodeSpecListenerOutlierDetection{
				MaxServerErrors:      ptr.Number(o.MaxServerErrors),
				MaxEjectionPercent:   ptr.Number(o.MaxEjectionPercent),
				Interval:             &appmeshvirtualnode.AppmeshVirtualNodeSpecListenerOutlierDetectionInterval{Unit: ptr.String("s"), Value: ptr.Number(o.IntervalSeconds)},
				BaseEjectionDuration: &appmeshvirtualnode.AppmeshVirtualNodeSpecListenerOutlierDetectionBaseEjectionDuration{Unit: ptr.String("s"), Value: ptr.Number(o.BaseEjectionSeconds)},
			}
		}
		if t := p.TLS; t != nil {
			listener.Tls = &appmeshvirtualnode.AppmeshVirtualNodeSpecListenerTls{
				Mode: ptr.String("STRICT"),
				Certificate: &appmeshvirtualnode.AppmeshVirtualNodeSpecListenerTlsCertificate{
					Acm: &appmeshvirtualnode.AppmeshVirtualNodeSpecListenerTlsCertificateAcm{CertificateArn: ptr.String(t.CertificateARN)},
				},
			}
		}
		discovery := &appmeshvirtualnode.AppmeshVirtualNodeSpecServiceDiscovery{
			Dns: &appmeshvirtualnode.AppmeshVirtualNodeSpecServiceDiscoveryDns{Hostname: ptr.String(v.host(p.Namespace))},
		}
		if cm := v.CloudMap; cm != nil {
			discovery = &appmeshvirtualnode.AppmeshVirtualNodeSpecServiceDiscovery{
				AwsCloudMap: &appmeshvirtualnode.AppmeshVirtualNodeSpecServiceDiscoveryAwsCloudMap{NamespaceName: ptr.String(cm.Namespace), ServiceName: ptr.String(cm.Service)},
			}
		}
		spec := &appmeshvirtualnode.AppmeshVirtualNodeSpec{
			Listener:         []*appmeshvirtualnode.AppmeshVirtualNodeSpecListener{listener},
			ServiceDiscovery: discovery,
			Logging: &appmeshvirtualnode.AppmeshVirtualNodeSpecLogging{
				AccessLog: &appmeshvirtualnode.AppmeshVirtualNodeSpecLoggingAccessLog{
					File: &appmeshvirtualnode.AppmeshVirtualNodeSpecLoggingAccessLogFile{Path: ptr.String("/dev/stdout")},
				},
			},
		}
		if len(backends) > 0 {
			spec.Backend = backends
		}
		node := appmeshvirtualnode.NewAppmeshVirtualNode(vs, ptr.String("node-"+v.Name), &appmeshvirtualnode.AppmeshVirtualNodeConfig{
			MeshName: mesh,
			Name:     ptr.String(p.Name + "-" + v.Name),
			Spec:     spec,
			Tags:     tags,
		})
		if len(plaintext) > 0 {
			if err := nag.Suppress(node, "MESH-002", strings.Join(plaintext, "; ")); err != nil {
				return nil, nil, err
			}
		}
		nodeNames[v.Name] = *node.Name()
		nodeARNs = append(nodeARNs, *node.Arn())
	}
	return nodeNames, nodeARNs, nil
}

// appMeshRouter creates the virtual router and one route per intent route,
// in priority order: its header and path match, weighted targets (the
// versions' nodes), retries and timeout.
func (vs *VirtualService) appMeshRouter(mesh *string, tags *map[string]*string, nodeNames map[string]string) appmeshvirtualrouter.AppmeshVirtualRouter {
	p := vs.props
	router := appmeshvirtualrouter.NewAppmeshVirtualRouter(vs, ptr.String("router"), &appmeshvirtualrouter.AppmeshVirtualRouterConfig{
		MeshName: mesh,
		Name:     ptr.String(p.Name + "-router"),
		Spec: &appmeshvirtualrouter.AppmeshVirtualRouterSpec{
			Listener: []*appmeshvirtualrouter.AppmeshVirtualRouterSpecListener{{
				PortMapping: &appmeshvirtualrouter.AppmeshVirtualRouterSpecListenerPortMapping{Port: ptr.Number(p.Port), Protocol: ptr.String("http")},
			}},
		},
		Tags: tags,
	})
	for i, rt := range p.Routes {
		var targets []*appmeshroute.AppmeshRouteSpecHttpRouteActionWeightedTarget
		for _, t := range rt.Targets {
			targets = append(targets, &appmeshroute.AppmeshRouteSpecHttpRouteActionWeightedTarget{VirtualNode: ptr.String(nodeNames[t.Version]), Weight: ptr.Number(t.Weight)})
		}
		match := &appmeshroute.AppmeshRouteSpecHttpRouteMatch{Prefix: ptr.String(rt.PathPrefix)}
		var headers []*appmeshroute.AppmeshRouteSpecHttpRouteMatchHeader
		for _, h := range rt.Headers {
			headers = append(headers, &appmeshroute.AppmeshRouteSpecHttpRouteMatchHeader{
				Name:  ptr.String(h.Name),
				Match: &appmeshroute.AppmeshRouteSpecHttpRouteMatchHeaderMatch{Exact: ptr.Optional(h.Exact), Prefix: ptr.Optional(h.Prefix)},
			})
		}
		if len(headers) > 0 {
			match.Header = headers
		}
		http := &appmeshroute.AppmeshRouteSpecHttpRoute{
			Match:  match,
			Action: &appmeshroute.AppmeshRouteSpecHttpRouteAction{WeightedTarget: targets},
		}
		if rtr := rt.Retry; rtr != nil {
			http.RetryPolicy = &appmeshroute.AppmeshRouteSpecHttpRouteRetryPolicy{
				MaxRetries:      ptr.Number(rtr.MaxRetries),
				PerRetryTimeout: &appmeshroute.AppmeshRouteSpecHttpRouteRetryPolicyPerRetryTimeout{Unit: ptr.String("ms"), Value: ptr.Number(rtr.PerTryTimeoutMS)},
				HttpRetryEvents: ptr.Strings(rtr.Events),
			}
		}
		if rt.TimeoutMS > 0 {
			http.Timeout = &appmeshroute.AppmeshRouteSpecHttpRouteTimeout{
				PerRequest: &appmeshroute.AppmeshRouteSpecHttpRouteTimeoutPerRequest{Unit: ptr.String("ms"), Value: ptr.Number(rt.TimeoutMS)},
			}
		}
		appmeshroute.NewAppmeshRoute(vs, ptr.String("route-"+rt.Name), &appmeshroute.AppmeshRouteConfig{
			MeshName:          mesh,
			VirtualRouterName: router.Name(),
			Name:              ptr.String(p.Name + "-" + rt.Name),
			Spec:              &appmeshroute.AppmeshRouteSpec{Priority: ptr.Number(i + 1), HttpRoute: http},
			Tags:              tags,
		})
	}
	return router
}

// appMeshGateway creates the virtual gateway (listening on g.Port, 8088
// by default) and its route sending every path to service.
func (vs *VirtualService) appMeshGateway(mesh *string, tags *map[string]*string, g *Gateway, service appmeshvirtualservice.AppmeshVirtualService) {
	p := vs.props
	port := g.Port
	if port == 0 {
		port = 8088
	}
	gw := appmeshvirtualgateway.NewAppmeshVirtualGateway(vs, ptr.String("gateway"), &appmeshvirtualgateway.AppmeshVirtualGatewayConfig{
		MeshName: mesh,
		Name:     ptr.String(p.Name + "-gateway"),
		Spec: &appmeshvirtualgateway.AppmeshVirtualGatewaySpec{
			Listener: []*appmeshvirtualgateway.AppmeshVirtualGatewaySpecListener{{
				PortMapping: &appmeshvirtualgateway.AppmeshVirtualGatewaySpecListenerPortMapping{Port: ptr.Number(port), Protocol: ptr.String("http")},
			}},
		},
		Tags: tags,
	})
	appmeshgatewayroute.NewAppmeshGatewayRoute(vs, ptr.String("gateway-route"), &appmeshgatewayroute.AppmeshGatewayRouteConfig{
		MeshName:           mesh,
		VirtualGatewayName: gw.Name(),
		Name:               ptr.String(p.Name + "-gateway-route"),
		Spec: &appmeshgatewayroute.AppmeshGatewayRouteSpec{
			HttpRoute: &appmeshgatewayroute.AppmeshGatewayRouteSpecHttpRoute{
				Match: &appmeshgatewayroute.AppmeshGatewayRouteSpecHttpRouteMatch{Prefix: ptr.String("/")},
				Action: &appmeshgatewayroute.AppmeshGatewayRouteSpecHttpRouteAction{
					Target: &appmeshgatewayroute.AppmeshGatewayRouteSpecHttpRouteActionTarget{
						VirtualService: &appmeshgatewayroute.AppmeshGatewayRouteSpecHttpRouteActionTargetVirtualService{VirtualServiceName: service.Name()},
					},
				},
			},
		},
		Tags: tags,
	})
}

// appMeshEnvoyRole creates the IRSA role of the workload's Envoy sidecars.
func (vs *VirtualService) appMeshEnvoyRole(nodeARNs []string) error {
	p := vs.props
	n := p.Network
	// Envoy in the workload's pods reads its configuration for these nodes
	// only, and (with TLS) its certificate and the CA.
	statements := []iamdoc.Statement{iamdoc.Allow("StreamEnvoyConfiguration", []string{"appmesh:StreamAggregatedResources"}, nodeARNs...)}
	if t := p.TLS; t != nil {
		statements = append(statements,
			iamdoc.Allow("ExportServiceCertificate", []string{"acm:ExportCertificate"}, t.CertificateARN),
			iamdoc.Allow("ReadCertificateAuthority", []string{"acm-pca:GetCertificateAuthorityCertificate"}, t.CertificateAuthorityARN))
	}
	for _, b := range p.Backends {
		if b.tls != nil {
			statements = append(statements, iamdoc.Allow(fmt.Sprintf("ReadBackendCA%d", len(statements)), []string{"acm-pca:GetCertificateAuthorityCertificate"}, b.tls.CertificateAuthorityARN))
		}
	}
	_, err := eks.NewServiceAccountRole(vs, "envoy-role", eks.ServiceAccountRoleProps{
		Cluster:        n.cluster,
		Namespace:      p.Namespace,
		ServiceAccount: p.ServiceAccount,
		PolicyDocument: vs.build.Doc(iamdoc.Document(statements...)),
		Description:    "Envoy sidecars of " + p.Name + " in App Mesh " + n.name,
	})
	return err
}
