package observe_test

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hybridstack/hybridstack/constructs/observe"
)

var sample = observe.Layout{Widgets: []observe.LayoutWidget{
	{Type: "text", Title: "shop", X: 0, Y: 0, Width: 24, Height: 2},
	{Type: "metric", Title: "Latency p99", X: 0, Y: 2, Width: 6, Height: 3},
	{Type: "metric", Title: "A title far too long for its box", X: 6, Y: 2, Width: 6, Height: 3},
	{Type: "alarm", X: 0, Y: 5, Width: 24, Height: 2},
}}

func TestLayoutText(t *testing.T) {
	want := `+-----------------------------------------------------------------------+
| shop                                                                  |
+-----------------+-----------------+-----------------------------------+
| Latency p99     | A title far to… |
|                 |                 |
+-----------------+-----------------+-----------------------------------+
| Alarms                                                                |
+-----------------------------------------------------------------------+
`
	assert.Equal(t, want, sample.Text())
}

func TestLayoutSVG(t *testing.T) {
	l := sample
	l.Widgets = append(l.Widgets,
		observe.LayoutWidget{Type: "log", Title: `errors <"a" & b>`, X: 12, Y: 2, Width: 10, Height: 3},
		observe.LayoutWidget{Type: "metric", Title: "A title far too long for its box", X: 22, Y: 2, Width: 2, Height: 1})
	svg := l.SVG()
	// Well-formed XML.
	dec := xml.NewDecoder(strings.NewReader(svg))
	var texts []string
	rects := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, svg)
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local == "rect" {
				rects++
			}
			if e.Name.Local == "text" {
				var s string
				require.NoError(t, dec.DecodeElement(&s, &e))
				texts = append(texts, s)
			}
		}
	}
	assert.Equal(t, 1+len(l.Widgets), rects, "the background and a box per widget")
	assert.Equal(t, []string{"shop", "Latency p99", "A title far too long for its box", "Alarms", `errors <"a" & b>`, "A title…"}, texts)
	assert.Contains(t, svg, `width="960" height="168"`)
	assert.Equal(t, 2, strings.Count(svg, "<polyline"), "a sketch in each graph tall enough")
	assert.Equal(t, svg, l.SVG(), "the same picture every time")
}

// ParseLayout reads the body of a synthesized dashboard, whose
// interpolations may hold quoted strings.
func TestParseLayout(t *testing.T) {
	body := `{"widgets":[` +
		`{"type":"text","x":0,"y":0,"width":24,"height":2,"properties":{"markdown":"## Lambda ${aws_lambda_function.resize_function_54395A7C.function_name}\n[logs](https://x/${replace(aws_cloudwatch_log_group.x.name, "/", "$252F")})"}},` +
		`{"type":"metric","x":0,"y":2,"width":6,"height":6,"properties":{"title":"Errors in ${data.aws_region.awsenv-region.name}","metrics":[]}}]}`
	l, err := observe.ParseLayout(body)
	require.NoError(t, err)
	assert.Equal(t, []observe.LayoutWidget{
		{Type: "text", Title: "Lambda <resize_function>", Width: 24, Height: 2},
		{Type: "metric", Title: "Errors in <awsenv-region>", Y: 2, Width: 6, Height: 6},
	}, l.Widgets)

	_, err = observe.ParseLayout(`{"widgets": [`)
	assert.ErrorContains(t, err, "dashboard body is not JSON")
}
