package review

import (
	"fmt"
	"sort"
	"strings"
)

// baseAcks records the entries of the acknowledgement file that the base
// already held (AckFile.Inherited) and that match an unacknowledged high
// finding: the file lists the finding's address, but the entry was merged
// by an earlier change and so acknowledges nothing in this one.
func (r *Report) baseAcks(f *AckFile) {
	if f == nil {
		return
	}
	for _, a := range f.Inherited {
		for _, fd := range r.Findings {
			if fd.Severity == High && !fd.Acknowledged && a.Stack == fd.Stack && contains(a.Addresses, fd.Address) && contains(a.Classes, fd.Class) {
				r.BaseAcks = append(r.BaseAcks, a)
				break
			}
		}
	}
}

// baseAckCovered splits the addresses of the unacknowledged high findings
// into those an entry of the base's acknowledgement file lists and the
// others, each sorted and without repeats.
func (r *Report) baseAckCovered() (listed, others []string) {
	seenL, seenO := map[string]bool{}, map[string]bool{}
	for _, fd := range r.Findings {
		if fd.Severity != High || fd.Acknowledged {
			continue
		}
		in := false
		for _, a := range r.BaseAcks {
			if a.Stack == fd.Stack && contains(a.Addresses, fd.Address) && contains(a.Classes, fd.Class) {
				in = true
				break
			}
		}
		switch {
		case in && !seenL[fd.Address]:
			seenL[fd.Address] = true
			listed = append(listed, fd.Address)
		case !in && !seenO[fd.Address]:
			seenO[fd.Address] = true
			others = append(others, fd.Address)
		}
	}
	sort.Strings(listed)
	sort.Strings(others)
	return listed, others
}

// unacknowledgedText is the sentence after "N high-risk change(s) not
// acknowledged.": what to do, and, for the addresses the acknowledgement
// file lists in entries the base already held, why they do not count.
func (r *Report) unacknowledgedText(ackPath string) string {
	listed, others := r.baseAckCovered()
	if len(listed) == 0 {
		return fmt.Sprintf("If they are intended, list the addresses with a reason in `%s` in this change.", ackPath)
	}
	inBase := fmt.Sprintf("`%s` lists %s, but those entries were already in the base's ack file and so acknowledge nothing in this change: if the risk is intended again, add an entry for this change with its own reason.", ackPath, strings.Join(backquote(listed), ", "))
	if len(others) == 0 {
		return inBase
	}
	return fmt.Sprintf("If they are intended, list the addresses with a reason in `%s` in this change. %s", ackPath, inBase)
}
