package policy

import "fmt"

// checkAPIAccessLogs is API-001: it reports API Gateway stages (HTTP and
// REST) without an access log destination and format.
func checkAPIAccessLogs(d *Doc, emit emitFunc) {
	for _, typ := range []string{"aws_apigatewayv2_stage", "aws_api_gateway_stage"} {
		for _, r := range d.Of(typ) {
			a := block(r.Attrs, "access_log_settings")
			if str(a["destination_arn"]) == "" || str(a["format"]) == "" {
				emit(r, "access_log_settings", "requests are not logged")
			}
		}
	}
}

// checkAPIRouteAuthorization is API-002: it reports HTTP API routes whose
// authorization type is empty or NONE.
func checkAPIRouteAuthorization(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_apigatewayv2_route") {
		if t := str(r.Attrs["authorization_type"]); t == "" || t == "NONE" {
			emit(r, "authorization_type", fmt.Sprintf("route %q needs no authorization", str(r.Attrs["route_key"])))
		}
	}
}

// checkAPIDomainTLS is API-003: it reports API custom domains whose security
// policy is not TLS_1_2.
func checkAPIDomainTLS(d *Doc, emit emitFunc) {
	for _, r := range d.Of("aws_apigatewayv2_domain_name") {
		if str(path(r.Attrs, "domain_name_configuration", "security_policy")) != "TLS_1_2" {
			emit(r, "domain_name_configuration.security_policy", "clients may negotiate TLS below 1.2")
		}
	}
}

// checkAPIStageRouteSettings is API-004: it reports route_settings of a
// stage whose literal route key names no route the stage depends on: the
// stage may then be created before the route.
func checkAPIStageRouteSettings(d *Doc, emit emitFunc) {
	for _, s := range d.Of("aws_apigatewayv2_stage") {
		var deps map[string]bool
		for i, rs := range blocks(s.Attrs, "route_settings") {
			key := str(rs["route_key"])
			if key == "" || isToken(key) {
				continue
			}
			if deps == nil {
				deps = d.dependencies(s)
			}
			exists, depended := false, false
			for _, route := range d.Of("aws_apigatewayv2_route") {
				if str(route.Attrs["route_key"]) != key {
					continue
				}
				exists = true
				depended = depended || deps[route.Address()]
			}
			if depended {
				continue
			}
			why := "the stage does not depend on the route with that key"
			if !exists {
				why = "no aws_apigatewayv2_route in the stack has that key"
			}
			emit(s, fmt.Sprintf("route_settings[%d].route_key", i), fmt.Sprintf("route settings name route %q but %s: creating the stage first fails with NotFoundException \"Unable to find Route by key\"", key, why))
		}
	}
}
