package observe

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Layout is where a dashboard's widgets are on CloudWatch's grid, which is
// 24 units wide; Text and SVG draw it.
type Layout struct {
	Widgets []LayoutWidget
}

// LayoutWidget is one widget of a Layout.
type LayoutWidget struct {
	// Type is the widget's type: metric, text, alarm or log.
	Type string
	// Title is the graph's title, or the first line of a text widget.
	Title string
	// X, Y, Width and Height place the widget, in grid units.
	X, Y, Width, Height int
}

// ParseLayout reads the layout of a dashboard body, such as the
// dashboard_body of an aws_cloudwatch_dashboard in synthesized Terraform
// JSON: Terraform interpolations in it (${...}) are shown by the name of the
// resource they refer to.
func ParseLayout(dashboardBody string) (Layout, error) {
	var b struct {
		Widgets []widget `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(replaceInterpolations(dashboardBody, readableRef)), &b); err != nil {
		return Layout{}, fmt.Errorf("observe: dashboard body is not JSON once its interpolations are replaced: %w", err)
	}
	return layoutOf(b.Widgets), nil
}

func layoutOf(ws []widget) Layout {
	l := Layout{Widgets: make([]LayoutWidget, len(ws))}
	for i, w := range ws {
		title, _ := w.Properties["title"].(string)
		if md, ok := w.Properties["markdown"].(string); ok && title == "" {
			title, _, _ = strings.Cut(md, "\n")
			title = strings.TrimSpace(strings.TrimLeft(title, "#"))
		}
		l.Widgets[i] = LayoutWidget{Type: w.Type, Title: title, X: w.X, Y: w.Y, Width: w.Width, Height: w.Height}
	}
	return l
}

// replaceInterpolations replaces every ${...} of s, which may hold quoted
// strings and nested braces, with f of the expression inside.
func replaceInterpolations(s string, f func(expr string) string) string {
	var out strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			out.WriteString(s)
			return out.String()
		}
		out.WriteString(s[:i])
		end, depth, quoted := -1, 0, false
		for j := i + 2; j < len(s) && end < 0; j++ {
			switch c := s[j]; {
			case quoted && c == '\\':
				j++
			case c == '"':
				quoted = !quoted
			case quoted:
			case c == '{':
				depth++
			case c == '}' && depth == 0:
				end = j
			case c == '}':
				depth--
			}
		}
		if end < 0 {
			out.WriteString(s[i:])
			return out.String()
		}
		out.WriteString(f(s[i+2 : end]))
		s = s[end+1:]
	}
}

// reference is a Terraform reference such as
// aws_lambda_function.resize_function_54395A7C.function_name or
// data.aws_region.awsenv-region.name.
var reference = regexp.MustCompile(`^(?:data\.)?[a-z0-9_]+\.([A-Za-z0-9_-]+?)(?:_[0-9A-F]{8})?\.[a-z_]+$`)

// readableRef shows an interpolation by the resource it refers to, or as
// "…" when it is more than a reference.
func readableRef(expr string) string {
	if m := reference.FindStringSubmatch(expr); m != nil {
		return "<" + m[1] + ">"
	}
	return "…"
}

func (l Layout) bottom() int {
	h := 0
	for _, w := range l.Widgets {
		h = max(h, w.Y+w.Height)
	}
	return h
}

// Text draws the layout as boxes of text, three characters and one line
// per grid unit, each box with its widget's title.
func (l Layout) Text() string {
	const cx = 3
	rows, cols := l.bottom()+1, gridWidth*cx+1
	canvas := make([][]rune, rows)
	for i := range canvas {
		canvas[i] = []rune(strings.Repeat(" ", cols))
	}
	put := func(r, c int, ch rune) {
		if r < 0 || r >= rows || c < 0 || c >= cols {
			return
		}
		switch old := canvas[r][c]; {
		case old == '+', old == ch:
		case old == ' ':
			canvas[r][c] = ch
		default:
			canvas[r][c] = '+'
		}
	}
	for _, w := range l.Widgets {
		x0, x1, y0, y1 := w.X*cx, (w.X+w.Width)*cx, w.Y, w.Y+w.Height
		for c := x0; c <= x1; c++ {
			put(y0, c, '-')
			put(y1, c, '-')
		}
		for r := y0; r <= y1; r++ {
			put(r, x0, '|')
			put(r, x1, '|')
		}
		for _, c := range []int{x0, x1} {
			canvas[y0][c], canvas[y1][c] = '+', '+'
		}
		if w.Height > 1 {
			title := []rune(clip(label(w), x1-x0-3))
			copy(canvas[y0+1][x0+2:], title)
		}
	}
	var b strings.Builder
	for _, row := range canvas {
		b.WriteString(strings.TrimRight(string(row), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// label is the text a picture shows for w.
func label(w LayoutWidget) string {
	switch {
	case w.Title != "":
		return w.Title
	case w.Type == "alarm":
		return "Alarms"
	}
	return w.Type
}

// clip cuts s to n characters, ending in "…" when cut.
func clip(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

// SVG colours of each widget type: fill and stroke.
var svgColours = map[string][2]string{
	"text":   {"#eef2f7", "#8a9bb0"},
	"metric": {"#ffffff", "#4a6fa5"},
	"alarm":  {"#fdf0ee", "#c0504d"},
	"log":    {"#eef7ee", "#4f8a4f"},
}

// SVG draws the layout as a picture: a box per widget with its title, a
// sketch of a line in each graph.
func (l Layout) SVG() string {
	const ux, uy, pad = 40, 24, 3
	width, height := gridWidth*ux, l.bottom()*uy
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#f7f7f7"/>`+"\n", width, height)
	for i, w := range l.Widgets {
		c, ok := svgColours[w.Type]
		if !ok {
			c = svgColours["metric"]
		}
		x, y, wd, ht := w.X*ux+pad, w.Y*uy+pad, w.Width*ux-2*pad, w.Height*uy-2*pad
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="3" fill="%s" stroke="%s"/>`+"\n", x, y, wd, ht, c[0], c[1])
		size, weight := 12, "normal"
		if w.Type == "text" {
			size, weight = 14, "bold"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" font-weight="%s" fill="#222">%s</text>`+"\n",
			x+8, y+size+4, size, weight, xmlEscape(clip(label(w), (wd-16)*2/size)))
		if w.Type == "metric" && ht > 40 {
			b.WriteString(sketch(x+8, y+26, wd-16, ht-34, i, c[1]))
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// sketch is a polyline that suggests a time series, the same for the same
// seed.
func sketch(x, y, w, h, seed int, colour string) string {
	const points = 12
	var pts []string
	v := seed*7 + 3
	for i := 0; i <= points; i++ {
		v = (v*37 + 11) % 101
		pts = append(pts, fmt.Sprintf("%d,%d", x+i*w/points, y+h-h/5-(v*(h*3/5))/100))
	}
	return fmt.Sprintf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", strings.Join(pts, " "), colour)
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
