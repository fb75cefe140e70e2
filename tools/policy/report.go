package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

// CheckDir checks every stack under a cdktf output directory
// (stacks/*/cdk.tf.json) or, for a plain Terraform directory, every
// *.tf.json in it.
func CheckDir(dir string) ([]Finding, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "stacks", "*", "cdk.tf.json"))
	named := map[string]string{}
	for _, f := range files {
		named[f] = filepath.Base(filepath.Dir(f))
	}
	if len(files) == 0 {
		files, _ = filepath.Glob(filepath.Join(dir, "*.tf.json"))
		for _, f := range files {
			named[f] = strings.TrimSuffix(filepath.Base(f), ".tf.json")
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s holds no stacks/*/cdk.tf.json and no *.tf.json", dir)
	}
	sort.Strings(files)
	var out []Finding
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		findings, err := Check(named[f], data)
		if err != nil {
			return nil, err
		}
		out = append(out, findings...)
	}
	return out, nil
}

// WriteTable writes findings as an aligned table, suppressed ones with
// their reasons, and a summary line.
func WriteTable(w io.Writer, findings []Finding) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tRULE\tSTACK\tRESOURCE\tPATH\tFINDING")
	errorsN, warningsN, infoN, suppressedN := 0, 0, 0, 0
	for _, f := range findings {
		sev := string(f.Severity)
		msg := f.Message + " (fix: " + f.Fix + ")"
		switch {
		case f.Suppressed:
			suppressedN++
			sev = "suppressed"
			msg = f.Message + " (reason: " + f.SuppressionReason + ")"
		case f.Severity == Error:
			errorsN++
		case f.Severity == Info:
			infoN++
		default:
			warningsN++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", sev, f.RuleID, f.Stack, f.Address, f.Path, msg)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if infoN > 0 {
		_, err := fmt.Fprintf(w, "%s, %s, %d not checked, %d suppressed\n", countNoun(errorsN, "error"), countNoun(warningsN, "warning"), infoN, suppressedN)
		return err
	}
	_, err := fmt.Fprintf(w, "%s, %s, %d suppressed\n", countNoun(errorsN, "error"), countNoun(warningsN, "warning"), suppressedN)
	return err
}

// countNoun writes a count with its noun, plural unless the count is 1:
// "1 warning", "2 warnings", "0 errors" ("suppressed" and "not checked"
// take no plural).
func countNoun(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// WriteJSON writes findings as a JSON array.
func WriteJSON(w io.Writer, findings []Finding) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if findings == nil {
		findings = []Finding{}
	}
	return enc.Encode(findings)
}

// WriteSARIF writes findings as SARIF 2.1.0 for code-scanning UIs; locations
// point at the stack's JSON file with the resource address as logical
// location. Suppressed findings carry an accepted suppression.
func WriteSARIF(w io.Writer, findings []Finding, fileFor func(stack string) string) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string            `json:"id"`
		ShortDescription msg               `json:"shortDescription"`
		Help             msg               `json:"help"`
		Properties       map[string]string `json:"properties,omitempty"`
		DefaultConfig    map[string]string `json:"defaultConfiguration"`
	}
	var rs []rule
	for _, r := range Rules() {
		props := map[string]string{}
		if r.Equivalents.CdkNag != "" {
			props["cdk-nag"] = r.Equivalents.CdkNag
		}
		if r.Equivalents.Trivy != "" {
			props["trivy"] = r.Equivalents.Trivy
		}
		if r.Equivalents.Checkov != "" {
			props["checkov"] = r.Equivalents.Checkov
		}
		rs = append(rs, rule{ID: r.ID, ShortDescription: msg{r.Title}, Help: msg{r.Fix}, Properties: props, DefaultConfig: map[string]string{"level": level(r.Severity)}})
	}
	var results []map[string]any
	for _, f := range findings {
		res := map[string]any{
			"ruleId":  f.RuleID,
			"level":   level(f.Severity),
			"message": msg{f.Message + " (fix: " + f.Fix + ")"},
			"locations": []map[string]any{{
				"physicalLocation": map[string]any{"artifactLocation": map[string]string{"uri": fileFor(f.Stack)}},
				"logicalLocations": []map[string]string{{"fullyQualifiedName": f.Address + pathSuffix(f.Path), "kind": "resource"}},
			}},
		}
		if f.Suppressed {
			res["suppressions"] = []map[string]string{{"kind": "inSource", "status": "accepted", "justification": f.SuppressionReason}}
		}
		results = append(results, res)
	}
	if results == nil {
		results = []map[string]any{}
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []map[string]any{{
			"tool":    map[string]any{"driver": map[string]any{"name": "hybridcheck", "informationUri": "https://github.com/hybridstack/hybridstack", "rules": rs}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func level(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Info:
		return "note"
	}
	return "warning"
}

func pathSuffix(p string) string {
	if p == "" {
		return ""
	}
	return "." + p
}

// RulesMarkdown renders the rule list as a Markdown table, for the README.
func RulesMarkdown() string {
	var b strings.Builder
	b.WriteString("| ID | severity | check | fix | cdk-nag | trivy | checkov |\n|---|---|---|---|---|---|---|\n")
	for _, r := range Rules() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.ID, r.Severity, r.Title, escapePipes(r.Fix),
			dash(r.Equivalents.CdkNag), dash(r.Equivalents.Trivy), dash(r.Equivalents.Checkov))
	}
	fmt.Fprintf(&b, "| %s | error | every suppression has a reason and matches a finding | remove stale suppressions | - | - | - |\n", UnusedSuppression)
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func escapePipes(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
