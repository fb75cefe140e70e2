package observe

import (
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/hybridstack/hybridstack/constructs/internal/validation"
)

// Panel is a Source for resources a stack creates itself rather than
// through a construct of this library (a load balancer made with the
// provider binding, say): the stack describes their signals and alarms
// once and every dashboard of the stack shows them.
type Panel struct {
	constructs.Construct
	signals Signals
}

// NewPanel adds a Source holding signals under scope. It returns an error
// wrapping validate.ErrInvalid when signals has no title or neither
// widgets nor alarms.
func NewPanel(scope constructs.Construct, id string, signals Signals) (*Panel, error) {
	r := validation.ForConstruct("observe", scope, id)
	if scope == nil {
		return nil, r.Err()
	}
	if signals.Title == "" {
		r.Addf("Title", "is empty; name what the panel watches, such as \"Internal NLB\"")
	}
	if len(signals.Widgets) == 0 && len(signals.Alarms) == 0 {
		r.Addf("Widgets", "is empty and so is Alarms; a panel shows at least one graph or alarm")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	p := &Panel{signals: signals}
	constructs.NewConstruct_Override(p, scope, &id)
	return p, nil
}

// Signals returns the signals the panel was made with.
func (p *Panel) Signals() Signals { return p.signals }
