package mesh

import (
	"fmt"
	"strings"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticeauthpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticelistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticelistenerrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticeservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticeservicenetworkserviceassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticetargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpclatticetargetgroupattachment"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/hybridstack/hybridstack/constructs/eks"
	"github.com/hybridstack/hybridstack/constructs/iamdoc"
	"github.com/hybridstack/hybridstack/constructs/internal/alarm"
	"github.com/hybridstack/hybridstack/constructs/internal/names"
	"github.com/hybridstack/hybridstack/constructs/internal/ptr"
	"github.com/hybridstack/hybridstack/constructs/network"
	"github.com/hybridstack/hybridstack/constructs/observe"
)

// latticeName is the Lattice service's name: Lattice names are unique per
// account and Region, so the network's name scopes them.
func (vs *VirtualService) latticeName() string {
	return vs.props.Network.name + "-" + vs.props.Name
}

// latticeAuthPolicy lets the service's principals invoke it: the given
// AllowedPrincipals, plus the caller roles of the services that list it as
// a backend; with neither, the principals of this account whose IAM
// policies allow vpc-lattice-svcs:Invoke.
func (vs *VirtualService) latticeAuthPolicy() string {
	n := vs.props.Network
	principals := append(append([]string(nil), vs.props.AllowedPrincipals...), vs.callers...)
	account := iamdoc.AccountRoot(n.env.Partition, n.env.Account)
	tagged := vs.props.AllowedPrincipalTags
	if len(principals) == 0 && len(tagged) == 0 {
		principals = []string{account}
	}
	var statements []iamdoc.Statement
	if len(principals) > 0 {
		statements = append(statements, iamdoc.Statement{
			Sid:       "InvokeFromAllowedPrincipals",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": principals},
			Actions:   []string{"vpc-lattice-svcs:Invoke"},
			Resources: []string{vs.arn + "/*"},
		})
	}
	if len(tagged) > 0 {
		cond := map[string]any{}
		for _, k := range ptr.SortedKeys(tagged) {
			cond["aws:PrincipalTag/"+k] = tagged[k]
		}
		statements = append(statements, iamdoc.Statement{
			Sid:       "InvokeFromTaggedPrincipals",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": account},
			Actions:   []string{"vpc-lattice-svcs:Invoke"},
			Resources: []string{vs.arn + "/*"},
			Condition: map[string]map[string]any{"StringEquals": cond},
		})
	}
	return vs.build.Doc(iamdoc.Document(statements...))
}

// latticeCaller gives a service that calls others an IRSA role for its
// pods' service account, allowed to invoke exactly its backends, and adds
// the role to each backend's auth policy.
func (vs *VirtualService) latticeCaller() error {
	p := vs.props
	n := p.Network
	if n.cluster == nil || len(p.Backends) == 0 {
		return nil
	}
	var targets []string
	for _, b := range p.Backends {
		targets = append(targets, b.arn+"/*")
	}
	role, err := eks.NewServiceAccountRole(vs, "caller-role", eks.ServiceAccountRoleProps{
		Cluster:        n.cluster,
		Namespace:      p.Namespace,
		ServiceAccount: p.ServiceAccount,
		Description:    "Lets " + p.Namespace + "/" + p.ServiceAccount + " call its backends in VPC Lattice service network " + n.name,
		PolicyDocument: vs.build.Doc(iamdoc.Document(iamdoc.Allow("InvokeBackends", []string{"vpc-lattice-svcs:Invoke"}, targets...))),
	})
	if err != nil {
		return err
	}
	vs.callerRole = role
	for _, b := range p.Backends {
		b.callers = append(b.callers, role.RoleARN())
		b.authPolicy.SetPolicy(ptr.String(b.latticeAuthPolicy()))
	}
	return nil
}

// renderLattice creates the Lattice service in the network, a target
// group per version (IP, or ALB with PodTargetsALB), a listener whose rules forward by
// weight in route order and an IAM auth policy. Access logs come from the
// service network's subscription, which covers every service in it.
func (vs *VirtualService) renderLattice() error {
	p := vs.props
	n := p.Network
	tags := ptr.Map(n.tags)
	hc := p.HealthCheck
	protocol, port := "HTTP", 80
	svcCfg := &vpclatticeservice.VpclatticeServiceConfig{Name: ptr.String(vs.latticeName()), AuthType: ptr.String("AWS_IAM"), Tags: tags}
	if t := p.TLS; t != nil {
		protocol, port = "HTTPS", 443
		svcCfg.CertificateArn = ptr.String(t.CertificateARN)
		svcCfg.CustomDomainName = ptr.String(t.DomainName)
	}
	svc := vpclatticeservice.NewVpclatticeService(vs, ptr.String("service"), svcCfg)
	vs.latticeService = svc
	vs.arn = *svc.Arn()
	vs.dnsName = *svc.DnsEntry().Get(ptr.Number(0)).DomainName()
	if p.TLS != nil {
		vs.dnsName = p.TLS.DomainName
	}
	vpclatticeservicenetworkserviceassociation.NewVpclatticeServiceNetworkServiceAssociation(vs, ptr.String("network-association"), &vpclatticeservicenetworkserviceassociation.VpclatticeServiceNetworkServiceAssociationConfig{
		ServiceIdentifier:        svc.Id(),
		ServiceNetworkIdentifier: ptr.String(n.serviceNetworkID),
		Tags:                     tags,
	})
	vs.authPolicy = vpclatticeauthpolicy.NewVpclatticeAuthPolicy(vs, ptr.String("auth-policy"), &vpclatticeauthpolicy.VpclatticeAuthPolicyConfig{
		ResourceIdentifier: svc.Arn(),
		Policy:             ptr.String(vs.latticeAuthPolicy()),
	})
	n.allowPort(port)
	n.admitTargets(p.Port)
	if err := vs.latticeCaller(); err != nil {
		return err
	}

	groups := map[string]string{}
	for _, v := range p.Versions {
		if n.podTargets == PodTargetsALB {
			tg, err := vs.albBridge(v)
			if err != nil {
				return err
			}
			groups[v.Name] = tg
			continue
		}
		tg := vpclatticetargetgroup.NewVpclatticeTargetGroup(vs, ptr.String("target-group-"+v.Name), &vpclatticetargetgroup.VpclatticeTargetGroupConfig{
			Name: ptr.String(vs.latticeName() + "-" + v.Name),
			Type: ptr.String("IP"),
			Config: &vpclatticetargetgroup.VpclatticeTargetGroupConfigA{
				Port:          ptr.Number(p.Port),
				Protocol:      ptr.String("HTTP"),
				VpcIdentifier: ptr.String(n.vpc.VPCID()),
				IpAddressType: ptr.String("IPV4"),
				HealthCheck: &vpclatticetargetgroup.VpclatticeTargetGroupConfigHealthCheck{
					Enabled:                    true,
					Path:                       ptr.String(hc.Path),
					HealthCheckIntervalSeconds: ptr.Number(hc.IntervalSeconds),
					HealthCheckTimeoutSeconds:  ptr.Number(hc.TimeoutSeconds),
					HealthyThresholdCount:      ptr.Number(hc.HealthyThreshold),
					UnhealthyThresholdCount:    ptr.Number(hc.UnhealthyThreshold),
					Matcher:                    &vpclatticetargetgroup.VpclatticeTargetGroupConfigHealthCheckMatcher{Value: ptr.String("200-399")},
				},
			},
			Tags: ptr.Map(ptr.Merge(n.tags, map[string]string{"hybridstack.io/k8s-service": v.host(p.Namespace)})),
		})
		groups[v.Name] = *tg.Id()
	}

	// The last route matching everything ("/" without headers) becomes the
	// listener's default action; every other route is a rule, by priority.
	rules := p.Routes
	defaultAction := &vpclatticelistener.VpclatticeListenerDefaultAction{
		FixedResponse: &vpclatticelistener.VpclatticeListenerDefaultActionFixedResponse{StatusCode: ptr.Number(404)},
	}
	if last := rules[len(rules)-1]; last.PathPrefix == "/" && len(last.Headers) == 0 {
		var fwd []*vpclatticelistener.VpclatticeListenerDefaultActionForwardTargetGroups
		for _, t := range last.Targets {
			fwd = append(fwd, &vpclatticelistener.VpclatticeListenerDefaultActionForwardTargetGroups{TargetGroupIdentifier: ptr.String(groups[t.Version]), Weight: ptr.Number(t.Weight)})
		}
		defaultAction = &vpclatticelistener.VpclatticeListenerDefaultAction{
			Forward: []*vpclatticelistener.VpclatticeListenerDefaultActionForward{{TargetGroups: fwd}},
		}
		rules = rules[:len(rules)-1]
	}
	listener := vpclatticelistener.NewVpclatticeListener(vs, ptr.String("listener"), &vpclatticelistener.VpclatticeListenerConfig{
		Name:              ptr.String(fmt.Sprintf("%s-%d", strings.ToLower(protocol), port)),
		Protocol:          ptr.String(protocol),
		Port:              ptr.Number(port),
		ServiceIdentifier: svc.Id(),
		DefaultAction:     defaultAction,
		Tags:              tags,
	})
	for i, rt := range rules {
		var fwd []*vpclatticelistenerrule.VpclatticeListenerRuleActionForwardTargetGroups
		for _, t := range rt.Targets {
			fwd = append(fwd, &vpclatticelistenerrule.VpclatticeListenerRuleActionForwardTargetGroups{TargetGroupIdentifier: ptr.String(groups[t.Version]), Weight: ptr.Number(t.Weight)})
		}
		match := &vpclatticelistenerrule.VpclatticeListenerRuleMatchHttpMatch{
			PathMatch: &vpclatticelistenerrule.VpclatticeListenerRuleMatchHttpMatchPathMatch{
				Match: &vpclatticelistenerrule.VpclatticeListenerRuleMatchHttpMatchPathMatchMatch{Prefix: ptr.String(rt.PathPrefix)},
			},
		}
		var headers []*vpclatticelistenerrule.VpclatticeListenerRuleMatchHttpMatchHeaderMatches
		for _, h := range rt.Headers {
			headers = append(headers, &vpclatticelistenerrule.VpclatticeListenerRuleMatchHttpMatchHeaderMatches{
				Name:  ptr.String(h.Name),
				Match: &vpclatticelistenerrule.VpclatticeListenerRuleMatchHttpMatchHeaderMatchesMatch{Exact: ptr.Optional(h.Exact), Prefix: ptr.Optional(h.Prefix)},
			})
		}
		if len(headers) > 0 {
			match.HeaderMatches = headers
		}
		vpclatticelistenerrule.NewVpclatticeListenerRule(vs, ptr.String("rule-"+rt.Name), &vpclatticelistenerrule.VpclatticeListenerRuleConfig{
			Name:               ptr.String(rt.Name),
			ServiceIdentifier:  svc.Id(),
			ListenerIdentifier: listener.ListenerId(),
			Priority:           ptr.Number(i + 1),
			Match:              &vpclatticelistenerrule.VpclatticeListenerRuleMatch{HttpMatch: match},
			Action:             &vpclatticelistenerrule.VpclatticeListenerRuleAction{Forward: &vpclatticelistenerrule.VpclatticeListenerRuleActionForward{TargetGroups: fwd}},
			Tags:               tags,
		})
	}
	vs.latticeAlarms()
	return nil
}

// latticeDimensions returns the dimensions of the service's metrics in
// AWS/VpcLattice: Service, the service's id.
func (vs *VirtualService) latticeDimensions() map[string]string {
	return map[string]string{"Service": *vs.latticeService.Id()}
}

// latticeAlarms raises the service's alarms on server errors and on its
// p99 request time and, under PodTargetsALB, on pods of a version failing
// the health checks of its ALB.
func (vs *VirtualService) latticeAlarms() {
	p := vs.props
	latency := p.LatencyAlarmMS
	if latency == 0 {
		latency = 2000
	}
	raise := func(id string, a alarm.Props) {
		if a.Namespace == "" {
			a.Namespace, a.Dimensions = "AWS/VpcLattice", vs.latticeDimensions()
		}
		a.Name, a.TopicARN, a.Tags = vs.latticeName()+"-"+id, p.AlarmTopicARN, p.Network.tags
		made := alarm.New(vs, id, a)
		vs.raised = append(vs.raised, observe.Alarm{Name: *made.AlarmName(), ARN: *made.Arn()})
	}
	raise("server-errors-alarm", alarm.Props{
		Description: "VPC Lattice service " + vs.latticeName() + " answered 5 or more requests a minute with 5xx in 3 of 5 minutes",
		Metric:      "HTTPCode_5XX_Count", Statistic: "Sum", PeriodSeconds: 60, Periods: 5, DatapointsToAlarm: 3, Threshold: 5,
	})
	raise("latency-alarm", alarm.Props{
		Description: fmt.Sprintf("The p99 request time of VPC Lattice service %s was %d ms or more for 15 minutes", vs.latticeName(), latency),
		Metric:      "RequestTime", Statistic: "p99", PeriodSeconds: 300, Periods: 3, Threshold: latency,
	})
	for _, b := range vs.bridges {
		raise("alb-"+b.version+"-unhealthy-pods-alarm", alarm.Props{
			Description: fmt.Sprintf("Pods of version %s of VPC Lattice service %s have failed the health checks of its ALB for 5 minutes", b.version, vs.latticeName()),
			Namespace:   "AWS/ApplicationELB", Dimensions: map[string]string{"LoadBalancer": b.loadBalancer, "TargetGroup": b.targetGroup},
			Metric: "UnHealthyHostCount", Statistic: "Maximum", PeriodSeconds: 60, Periods: 5, Threshold: 1,
		})
	}
}

// Signals returns the service's golden signals for a dashboard
// (observe.Source) on Lattice, from the service's metrics (namespace
// AWS/VpcLattice, dimension Service): latency (RequestTime p50 and p99, in
// ms), traffic (TotalRequestCount), errors (HTTPCode_5XX_Count,
// HTTPCode_4XX_Count and RequestTimeoutCount, and under PodTargetsALB
// each version's pods failing its ALB's health checks, UnHealthyHostCount),
// its alarms and the service network's access log group. Lattice
// publishes no saturation metric for a service. On App Mesh and Istio
// ambient it returns only a title: the library reads no Envoy or waypoint
// metrics (Prometheus, not CloudWatch).
func (vs *VirtualService) Signals() observe.Signals {
	if vs.props.Network.engine == IstioAmbient {
		return observe.Signals{Title: "Istio ambient service " + vs.props.Name}
	}
	if vs.latticeService == nil {
		return observe.Signals{Title: "App Mesh service " + vs.props.Name}
	}
	m := func(name, stat, label string) observe.Metric {
		return observe.Metric{Namespace: "AWS/VpcLattice", Name: name, Dimensions: vs.latticeDimensions(), Stat: stat, Label: label}
	}
	errs := []observe.Metric{m("HTTPCode_5XX_Count", "Sum", "5xx"), m("HTTPCode_4XX_Count", "Sum", "4xx"), m("RequestTimeoutCount", "Sum", "Timed out")}
	for _, b := range vs.bridges {
		errs = append(errs, observe.Metric{Namespace: "AWS/ApplicationELB", Name: "UnHealthyHostCount",
			Dimensions: map[string]string{"LoadBalancer": b.loadBalancer, "TargetGroup": b.targetGroup}, Stat: "Maximum", Label: "Unhealthy pods of " + b.version})
	}
	return observe.Signals{
		Title: "VPC Lattice service " + vs.latticeName(),
		Widgets: []observe.Widget{
			{Title: "Request time (ms)", Signal: observe.Latency, Metrics: []observe.Metric{m("RequestTime", "p50", "p50"), m("RequestTime", "p99", "p99")}},
			{Title: "Requests", Signal: observe.Traffic, Metrics: []observe.Metric{m("TotalRequestCount", "Sum", "Requests")}},
			{Title: "Errors", Signal: observe.Errors, Metrics: errs},
		},
		Alarms:    append([]observe.Alarm(nil), vs.raised...),
		LogGroups: []string{vs.props.Network.logGroupName},
	}
}

// albBridge creates the path from Lattice to one version's pods under
// PodTargetsALB: an internal ALB admitting only Lattice's prefix list, an
// IP target group the load balancer controller fills (TargetGroupBinding),
// and a Lattice target group of type ALB with the ALB attached. It returns
// the Lattice target group's id.
func (vs *VirtualService) albBridge(v Version) (string, error) {
	p := vs.props
	n := p.Network
	hc := p.HealthCheck
	id := "alb-" + v.Name
	tags := ptr.Map(ptr.Merge(n.tags, map[string]string{"hybridstack.io/k8s-service": v.host(p.Namespace)}))
	sg := securitygroup.NewSecurityGroup(vs, ptr.String(id+"-security-group"), &securitygroup.SecurityGroupConfig{
		NamePrefix:  ptr.String(names.Truncate(vs.latticeName()+"-"+v.Name+"-", 100)),
		Description: ptr.String("Internal ALB from VPC Lattice to " + v.host(p.Namespace)),
		VpcId:       ptr.String(n.vpc.VPCID()),
		Tags:        tags,
		Lifecycle:   &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(vs, ptr.String(id+"-from-lattice"), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId: sg.Id(),
		Description:     ptr.String(fmt.Sprintf("VPC Lattice to the ALB of %s on port %d", v.host(p.Namespace), p.Port)),
		IpProtocol:      ptr.String("tcp"),
		FromPort:        ptr.Number(p.Port),
		ToPort:          ptr.Number(p.Port),
		PrefixListId:    ptr.String(n.latticePrefixList()),
	})
	// The ALB reaches the pods (on nodes and on Fargate) on the cluster
	// security group; both sides of the rule are written.
	if _, err := network.NewConnections(vs, p.Name+"-"+id, *sg.Id()).AllowTo(n.cluster, p.Port, fmt.Sprintf("From the ALB of %s to its pods", v.host(p.Namespace))); err != nil {
		return "", err
	}
	alb := lb.NewLb(vs, ptr.String(id), &lb.LbConfig{
		Name:                    ptr.String(names.Fit(vs.latticeName()+"-"+v.Name, 32)),
		Internal:                ptr.Bool(true),
		LoadBalancerType:        ptr.String("application"),
		Subnets:                 ptr.Strings(n.vpc.LoadBalancerSubnetIDs()),
		SecurityGroups:          &[]*string{sg.Id()},
		DropInvalidHeaderFields: ptr.Bool(true),
		Tags:                    tags,
	})
	tg := lbtargetgroup.NewLbTargetGroup(vs, ptr.String(id+"-pods"), &lbtargetgroup.LbTargetGroupConfig{
		NamePrefix: ptr.String(names.Truncate(v.Name, 6)),
		Port:       ptr.Number(p.Port),
		Protocol:   ptr.String("HTTP"),
		TargetType: ptr.String("ip"),
		VpcId:      ptr.String(n.vpc.VPCID()),
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Path: ptr.String(hc.Path), Interval: ptr.Number(hc.IntervalSeconds), Timeout: ptr.Number(hc.TimeoutSeconds),
			HealthyThreshold: ptr.Number(hc.HealthyThreshold), UnhealthyThreshold: ptr.Number(hc.UnhealthyThreshold),
			Matcher: ptr.String("200-399"),
		},
		// Pods get 30 s to finish requests when they go.
		DeregistrationDelay: ptr.String("30"),
		Tags:                tags,
		Lifecycle:           &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.Bool(true)},
	})
	listener := lblistener.NewLbListener(vs, ptr.String(id+"-listener"), &lblistener.LbListenerConfig{
		LoadBalancerArn: alb.Arn(),
		Port:            ptr.Number(p.Port),
		Protocol:        ptr.String("HTTP"),
		DefaultAction:   []*lblistener.LbListenerDefaultAction{{Type: ptr.String("forward"), TargetGroupArn: tg.Arn()}},
		Tags:            tags,
	})
	latticeTG := vpclatticetargetgroup.NewVpclatticeTargetGroup(vs, ptr.String("target-group-"+v.Name+"-alb"), &vpclatticetargetgroup.VpclatticeTargetGroupConfig{
		Name: ptr.String(vs.latticeName() + "-" + v.Name + "-alb"),
		Type: ptr.String("ALB"),
		Config: &vpclatticetargetgroup.VpclatticeTargetGroupConfigA{
			Port:          ptr.Number(p.Port),
			Protocol:      ptr.String("HTTP"),
			VpcIdentifier: ptr.String(n.vpc.VPCID()),
		},
		Tags: tags,
	})
	vpclatticetargetgroupattachment.NewVpclatticeTargetGroupAttachment(vs, ptr.String(id+"-attachment"), &vpclatticetargetgroupattachment.VpclatticeTargetGroupAttachmentConfig{
		TargetGroupIdentifier: latticeTG.Id(),
		Target:                &vpclatticetargetgroupattachment.VpclatticeTargetGroupAttachmentTarget{Id: alb.Arn(), Port: ptr.Number(p.Port)},
		// The ALB can be a target only once it has a listener on the port.
		DependsOn: &[]cdktf.ITerraformDependable{listener},
	})
	vs.podTargetGroups[v.Name] = *tg.Arn()
	vs.bridges = append(vs.bridges, bridge{version: v.Name, loadBalancer: *alb.ArnSuffix(), targetGroup: *tg.ArnSuffix()})
	return *latticeTG.Id(), nil
}
