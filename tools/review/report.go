package review

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hybridstack/hybridstack/tools/tfjson"
)

// Report is the review of a whole change: every stack of base and head.
type Report struct {
	Base string `json:"base"`
	Head string `json:"head"`
	// Stacks are the stacks that changed, sorted by name.
	Stacks []*StackDiff `json:"stacks"`
	// Unchanged names the stacks without a change.
	Unchanged []string `json:"unchanged,omitempty"`
	// Findings of every stack, worst first.
	Findings []Finding `json:"findings"`
	// Unacknowledged counts the high findings no acknowledgement covers:
	// the review fails when it is not zero.
	Unacknowledged int `json:"unacknowledged_high"`
	// StaleAcks are acknowledgements that match no finding.
	StaleAcks []Ack `json:"stale_acknowledgements,omitempty"`
	// BaseAcks are entries of the acknowledgement file the base already
	// held (hybridcheck diff -ack-base) that match an unacknowledged high
	// finding: they acknowledge nothing in this change (ackbase.go).
	BaseAcks []Ack `json:"base_acknowledgements,omitempty"`
	// Plan describes the real plan the report includes, if any.
	Plan *PlanInfo `json:"plan,omitempty"`
	// MonthlyUSD is the fixed monthly cost of every stack, base and head.
	BaseMonthlyUSD float64 `json:"base_monthly_usd"`
	HeadMonthlyUSD float64 `json:"head_monthly_usd"`
	PriceDate      string  `json:"price_date"`
	PriceRegion    string  `json:"price_region"`
}

// Options of a comparison.
type Options struct {
	// Acks acknowledges high findings (nil: none).
	Acks *AckFile
	// Plan is a real plan to compare with (nil: static analysis only).
	Plan *PlanFile
	// Prices for the cost estimates; the zero value means DefaultPrices.
	Prices *PriceTable
	// Broadening makes every new or widened ingress rule and every new
	// IAM grant a high finding, which fails the review until the
	// acknowledgement file lists it (hybridcheck diff -broadening).
	// Default: false, only the risky ones are findings.
	Broadening bool
}

// Compare reviews every stack of base against head.
func Compare(baseName, headName string, base, head map[string]*Stack, opts Options) *Report {
	prices := DefaultPrices()
	if opts.Prices != nil {
		prices = *opts.Prices
	}
	rep := &Report{Base: baseName, Head: headName, PriceDate: prices.Date, PriceRegion: prices.Region}
	names := map[string]bool{}
	for n := range base {
		names[n] = true
	}
	for n := range head {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		d := DiffStacks(base[n], head[n])
		var be, he Estimate
		if base[n] != nil {
			be = EstimateCost(base[n], prices)
		}
		if head[n] != nil {
			he = EstimateCost(head[n], prices)
		}
		be.Stack, he.Stack = n, n
		rep.BaseMonthlyUSD += be.MonthlyUSD
		rep.HeadMonthlyUSD += he.MonthlyUSD
		if opts.Plan != nil {
			d.applyPlan(opts.Plan)
		}
		if len(d.Changes) == 0 && d.Status == "changed" && (d.Plan == nil || len(d.Plan.Disagree) == 0) {
			rep.Unchanged = append(rep.Unchanged, n)
			continue
		}
		cost := DiffCost(be, he)
		d.Cost = &cost
		d.Findings = d.Classify()
		if opts.Broadening {
			d.Findings = d.withBroadening(d.Findings)
		}
		rep.Stacks = append(rep.Stacks, d)
	}
	rep.availabilityFindings(base, head)
	if opts.Plan != nil {
		rep.Plan = &PlanInfo{Terraform: opts.Plan.Terraform, Provider: opts.Plan.Provider, Emulator: opts.Plan.Emulator}
	}
	rep.acknowledge(opts.Acks)
	return rep
}

// Failed reports whether a high finding is not acknowledged, or an
// acknowledgement matches nothing (it would wait to excuse a later
// change).
func (r *Report) Failed() bool { return r.Unacknowledged > 0 || len(r.StaleAcks) > 0 }

// Disagreements counts the resources where a real plan and the static
// analysis differ (emulator gaps not counted).
func (r *Report) Disagreements() int {
	n := 0
	for _, d := range r.Stacks {
		if d.Plan != nil {
			n += len(d.Plan.Disagree)
		}
	}
	return n
}

// Ack acknowledges the findings of some addresses of a stack, with a
// reason a reviewer reads.
type Ack struct {
	Stack     string   `json:"stack"`
	Addresses []string `json:"addresses"`
	// Classes are the risk classes accepted for those addresses: an
	// acknowledgement of a data loss does not excuse a network opening.
	Classes []string `json:"classes"`
	Reason  string   `json:"reason"`
}

// AckFile is the acknowledgement file a change carries.
type AckFile struct {
	Path             string `json:"-"`
	Acknowledgements []Ack  `json:"acknowledgements"`
	// Inherited are the entries Without dropped: the base held them
	// unchanged.
	Inherited []Ack `json:"-"`
}

// ReadAckFile reads and checks an acknowledgement file.
func ReadAckFile(path string) (*AckFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseAckFile(path, data)
}

// ParseAckFile checks an acknowledgement file: every entry names a stack,
// at least one address and a reason; classes are known ones.
func ParseAckFile(path string, data []byte) (*AckFile, error) {
	f := &AckFile{Path: path}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("%s: not an acknowledgement file (want {\"acknowledgements\": [{\"stack\", \"addresses\", \"reason\"}]}): %w", path, err)
	}
	var problems []string
	known := map[string]bool{}
	for _, c := range Classes {
		known[c.Class] = true
	}
	for i, a := range f.Acknowledgements {
		at := fmt.Sprintf("acknowledgements[%d]", i)
		if a.Stack == "" {
			problems = append(problems, at+".stack is empty: name the stack")
		}
		if len(a.Addresses) == 0 {
			problems = append(problems, at+".addresses is empty: list the Terraform addresses the change may risk")
		}
		for j, addr := range a.Addresses {
			if r, ok := tfjson.ParseReference(addr); !ok || !(r.IsBlock() || r.Kind == tfjson.Module) || strings.ContainsAny(addr, "* ") {
				problems = append(problems, fmt.Sprintf("%s.addresses[%d] %q is not a Terraform address (TYPE.NAME; no wildcards)", at, j, addr))
			}
		}
		if len(a.Classes) == 0 {
			problems = append(problems, at+".classes is empty: name the risk classes accepted ("+classNames()+")")
		}
		for j, c := range a.Classes {
			if !known[c] {
				problems = append(problems, fmt.Sprintf("%s.classes[%d] %q is not a risk class (%s)", at, j, c, classNames()))
			}
		}
		if len(strings.TrimSpace(a.Reason)) < 10 {
			problems = append(problems, at+".reason is missing or too short: say why the risk is accepted")
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return f, nil
}

// Without drops the acknowledgements that base holds unchanged: a change
// acknowledges with what it adds or edits, and an acknowledgement a
// previous change merged does not excuse this one.
func (f *AckFile) Without(base *AckFile) *AckFile {
	if base == nil {
		return f
	}
	key := func(a Ack) string {
		b, _ := json.Marshal(a)
		return string(b)
	}
	old := map[string]bool{}
	for _, a := range base.Acknowledgements {
		old[key(a)] = true
	}
	out := &AckFile{Path: f.Path}
	for _, a := range f.Acknowledgements {
		if !old[key(a)] {
			out.Acknowledgements = append(out.Acknowledgements, a)
		} else {
			out.Inherited = append(out.Inherited, a)
		}
	}
	return out
}

func classNames() string {
	names := make([]string, len(Classes))
	for i, c := range Classes {
		names[i] = c.Class
	}
	return strings.Join(names, ", ")
}

// acknowledge marks each stack's findings the acknowledgements cover, and
// gathers every stack's findings into the report, worst first.
func (r *Report) acknowledge(f *AckFile) {
	used := map[int]bool{}
	r.Findings = nil
	for _, d := range r.Stacks {
		for i := range d.Findings {
			fd := &d.Findings[i]
			if f != nil {
				for j, a := range f.Acknowledgements {
					if a.Stack == fd.Stack && contains(a.Addresses, fd.Address) && contains(a.Classes, fd.Class) {
						fd.Acknowledged, fd.AckReason = true, a.Reason
						used[j] = true
						break
					}
				}
			}
			if fd.Severity == High && !fd.Acknowledged {
				r.Unacknowledged++
			}
		}
		r.Findings = append(r.Findings, d.Findings...)
	}
	sortFindings(r.Findings)
	r.baseAcks(f)
	if f != nil {
		for j, a := range f.Acknowledgements {
			if !used[j] {
				r.StaleAcks = append(r.StaleAcks, a)
			}
		}
	}
}

// PlanInfo names the tools of a real plan.
type PlanInfo struct {
	Terraform string `json:"terraform"`
	Provider  string `json:"provider"`
	Emulator  string `json:"emulator"`
}

// PlanFile is what `go run ./tools/e2e plan` writes: Terraform's own
// actions for HEAD planned against BASE applied to the emulator.
type PlanFile struct {
	Base      string                `json:"base"`
	Head      string                `json:"head"`
	Terraform string                `json:"terraform"`
	Provider  string                `json:"provider"`
	Emulator  string                `json:"emulator"`
	Stacks    map[string]*PlanStack `json:"stacks"`
}

// PlanStack is one stack's real plan.
type PlanStack struct {
	// Status is planned, plan-refused, skipped or failed.
	Status string `json:"status"`
	// Reason says why a stack is not planned, or how a refused plan's
	// other changes were found.
	Reason  string       `json:"reason"`
	Changes []PlanChange `json:"changes"`
	// Complete says Changes are a whole plan even though Status is
	// plan-refused: the second plan, with prevent_destroy lifted for the
	// refused resources, ran, so an address it does not list is a no-op.
	Complete bool `json:"complete,omitempty"`
}

// PlanChange is one resource change of a real plan.
type PlanChange struct {
	Address string `json:"address"`
	// Actions as Terraform writes them (["delete","create"] is a
	// replacement), or ["refused"] when prevent_destroy refuses it.
	Actions []string `json:"actions"`
	// ReplacePaths are the attribute paths that force a replacement
	// (strings and list indexes), from the plan.
	ReplacePaths [][]any `json:"replace_paths"`
	// EmulatorGap says why the emulator, not the change, may explain this
	// entry; "" when it does not.
	EmulatorGap string `json:"emulator_gap"`
}

// ReadPlanFile reads a plan file.
func ReadPlanFile(path string) (*PlanFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p PlanFile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s: not a plan file from tools/e2e plan: %w", path, err)
	}
	return &p, nil
}

// PlanStatus is the real plan's verdict on a stack, with the resources
// where it and the static analysis disagree.
type PlanStatus struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Agree counts the changes both report alike.
	Agree int `json:"agree"`
	// Disagree are the mismatches.
	Disagree []PlanDisagreement `json:"disagree,omitempty"`
	// Emulator are changes the emulator cannot judge (its gaps).
	Emulator []PlanDisagreement `json:"emulator,omitempty"`
}

// PlanDisagreement is a resource where Terraform and the static analysis
// differ.
type PlanDisagreement struct {
	Address   string `json:"address"`
	Static    string `json:"static"`
	Terraform string `json:"terraform"`
	Note      string `json:"note"`
}

// tfAction names Terraform's action list as one word.
func tfAction(actions []string) string {
	switch strings.Join(actions, ",") {
	case "create":
		return "create"
	case "update":
		return "update"
	case "delete":
		return "delete"
	case "delete,create", "create,delete":
		return "replace"
	case "refused":
		return "refused"
	case "", "no-op":
		return "no-op"
	}
	return strings.Join(actions, "+")
}

// applyPlan records Terraform's action next to each change and the
// disagreements.
func (d *StackDiff) applyPlan(p *PlanFile) {
	ps, ok := p.Stacks[d.Stack]
	if !ok || ps == nil {
		d.Plan = &PlanStatus{Status: "skipped", Reason: "not in the plan file"}
		return
	}
	d.Plan = &PlanStatus{Status: ps.Status, Reason: ps.Reason}
	if ps.Status != "planned" && ps.Status != "plan-refused" {
		return
	}
	tf := map[string]PlanChange{}
	for _, c := range ps.Changes {
		tf[c.Address] = c
	}
	seen := map[string]bool{}
	// What the static analysis expects Terraform to do at an address.
	expect := func(c ResourceChange) map[string]string {
		switch c.Action {
		case Rename:
			return map[string]string{c.From: "delete", c.Address: "create"}
		case Move:
			return map[string]string{c.Address: "no-op"}
		}
		return map[string]string{c.Address: string(c.Action)}
	}
	for i := range d.Changes {
		c := &d.Changes[i]
		var got []string
		wants := expect(*c)
		for _, addr := range sortedKeys(wants) {
			want := wants[addr]
			seen[addr] = true
			pc, has := tf[addr]
			act := "no-op"
			if has {
				act = tfAction(pc.Actions)
			}
			got = append(got, act)
			if has && pc.EmulatorGap != "" {
				d.Plan.Emulator = append(d.Plan.Emulator, PlanDisagreement{Address: addr, Static: want, Terraform: act, Note: pc.EmulatorGap})
				continue
			}
			switch {
			case act == want, want == "no-op" && act == "update":
				d.Plan.Agree++
			case act == "refused" && (want == "delete" || want == "replace"):
				d.Plan.Agree++
			case ps.Status == "plan-refused" && !has && !planComplete(ps):
				// Terraform stopped at the refusal and planned nothing else.
			case d.gapCascade(tf, addr) != "":
				d.Plan.Emulator = append(d.Plan.Emulator, PlanDisagreement{Address: addr, Static: want, Terraform: act, Note: d.gapCascade(tf, addr)})
				continue
			default:
				d.Plan.Disagree = append(d.Plan.Disagree, PlanDisagreement{Address: addr, Static: want, Terraform: act, Note: explain(want, act, pc)})
			}
		}
		c.Terraform = strings.Join(got, " + ")
		if len(d.Plan.Disagree) > 0 && d.Plan.Disagree[len(d.Plan.Disagree)-1].Address == c.Address {
			c.Disagreement = d.Plan.Disagree[len(d.Plan.Disagree)-1].Note
		}
	}
	for _, pc := range ps.Changes {
		if seen[pc.Address] || strings.HasPrefix(pc.Address, "data.") {
			continue
		}
		act := tfAction(pc.Actions)
		if act == "no-op" {
			continue
		}
		entry := PlanDisagreement{Address: pc.Address, Static: "no change", Terraform: act, Note: explain("no change", act, pc)}
		if pc.EmulatorGap == "" {
			pc.EmulatorGap = d.gapCascade(tf, pc.Address)
		}
		if pc.EmulatorGap != "" {
			entry.Note = pc.EmulatorGap
			d.Plan.Emulator = append(d.Plan.Emulator, entry)
			continue
		}
		d.Plan.Disagree = append(d.Plan.Disagree, entry)
	}
	sort.Slice(d.Plan.Disagree, func(i, j int) bool { return d.Plan.Disagree[i].Address < d.Plan.Disagree[j].Address })
	sort.Slice(d.Plan.Emulator, func(i, j int) bool { return d.Plan.Emulator[i].Address < d.Plan.Emulator[j].Address })
}

func explain(static, tf string, pc PlanChange) string {
	paths := ""
	if len(pc.ReplacePaths) > 0 {
		var ps []string
		for _, p := range pc.ReplacePaths {
			var parts []string
			for _, e := range p {
				parts = append(parts, fmt.Sprint(e))
			}
			ps = append(ps, strings.Join(parts, "."))
		}
		paths = " (" + strings.Join(ps, ", ") + ")"
	}
	switch {
	case tf == "replace" && static == "update":
		return "Terraform replaces it" + paths + ": the force-new table lacks this attribute"
	case tf == "update" && static == "replace":
		return "Terraform updates it in place: the static analysis over-reports a replacement"
	case tf == "no-op":
		return "Terraform sees no change: the provider normalizes the value, or the change only reorders it"
	case static == "no change":
		return "Terraform plans a change the configurations do not show: a computed value, a provider default, or an emulator difference" + paths
	}
	return "Terraform plans " + tf + paths + " where the static analysis expects " + static
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
