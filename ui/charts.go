package ui

// The report's pictures, drawn with Fyne's vector shapes at whatever size
// and scale the window has: a bar per person, the office's daily line,
// and when clients write. Colours come from the theme, so both looks
// read.

import (
	"image/color"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// drawing is a widget drawn anew by draw whenever its size, data or the
// theme change.
type drawing struct {
	widget.BaseWidget
	min  fyne.Size
	draw func(size fyne.Size) []fyne.CanvasObject
}

func newDrawing(min fyne.Size, draw func(fyne.Size) []fyne.CanvasObject) *drawing {
	d := &drawing{min: min, draw: draw}
	d.ExtendBaseWidget(d)
	return d
}

func (d *drawing) CreateRenderer() fyne.WidgetRenderer { return &drawingRenderer{d: d} }

type drawingRenderer struct {
	d       *drawing
	size    fyne.Size
	objects []fyne.CanvasObject
}

func (r *drawingRenderer) Layout(size fyne.Size) {
	r.size = size
	r.objects = r.d.draw(size)
}

func (r *drawingRenderer) MinSize() fyne.Size { return r.d.min }

func (r *drawingRenderer) Refresh() {
	r.objects = r.d.draw(r.size)
	canvas.Refresh(r.d)
}

func (r *drawingRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *drawingRenderer) Destroy()                     {}

// waitColour is the band a wait falls in, as the live strip colours them:
// green up to 3 minutes, orange up to 10, red beyond.
func waitColour(d time.Duration) color.Color {
	switch {
	case d <= app.WaitGreen:
		return theme.Color(theme.ColorNameSuccess)
	case d <= app.WaitOrange:
		return theme.Color(theme.ColorNameWarning)
	}
	return theme.Color(theme.ColorNameError)
}

func rect(c color.Color, x, y, w, h float32) *canvas.Rectangle {
	r := canvas.NewRectangle(c)
	r.Move(fyne.NewPos(x, y))
	r.Resize(fyne.NewSize(max(w, 0), max(h, 0)))
	return r
}

// chartText is a small label of a chart, placed with its left edge at x
// (or its right edge, for align trailing) and centred on y.
func chartText(s string, x, y float32, align fyne.TextAlign) *canvas.Text {
	t := canvas.NewText(s, theme.Color(theme.ColorNameForeground))
	t.TextSize = theme.CaptionTextSize()
	size := t.MinSize()
	switch align {
	case fyne.TextAlignTrailing:
		x -= size.Width
	case fyne.TextAlignCenter:
		x -= size.Width / 2
	}
	t.Move(fyne.NewPos(x, y-size.Height/2))
	t.Resize(size)
	return t
}

// responseBar draws one person's first responses: the bar to the median,
// in the band's colour, and a line on to the 90th percentile; scale is
// the longest 90th percentile of the chart.
func responseBar(r app.Responses, scale time.Duration) *drawing {
	return newDrawing(fyne.NewSize(120, 22), func(size fyne.Size) []fyne.CanvasObject {
		track := rect(theme.Color(theme.ColorNameInputBackground), 0, 2, size.Width, size.Height-4)
		if r.Count == 0 || scale <= 0 {
			return []fyne.CanvasObject{track}
		}
		at := func(d time.Duration) float32 { return size.Width * float32(float64(d)/float64(scale)) }
		median := max(at(r.Median), 2)
		p90 := max(at(r.P90), median)
		ink := theme.Color(theme.ColorNameForeground)
		return []fyne.CanvasObject{track,
			rect(waitColour(r.Median), 0, 2, median, size.Height-4),
			rect(ink, median, size.Height/2-1, p90-median, 2),
			rect(ink, p90-1, 5, 2, size.Height-10),
		}
	})
}

// dayChart is the office's median first response on each day of the
// period, a line broken where a day had none.
func dayChart(days []app.DayFigure) *drawing {
	return newDrawing(fyne.NewSize(260, 170), func(size fyne.Size) []fyne.CanvasObject {
		const left, bottom, top = 56, 22, 10
		var highest time.Duration
		for _, d := range days {
			highest = max(highest, d.First.Median)
		}
		scale := niceScale(highest)
		plotW, plotH := size.Width-left-8, size.Height-bottom-top
		grid := theme.Color(theme.ColorNameSeparator)
		var out []fyne.CanvasObject
		for i := range 3 { // 0, half and the top, labelled
			y := top + plotH - plotH*float32(i)/2
			out = append(out, rect(grid, left, y, plotW, 1), chartText(minutesText(scale*time.Duration(i)/2), left-6, y, fyne.TextAlignTrailing))
		}
		if len(days) == 0 {
			return out
		}
		x := func(i int) float32 {
			if len(days) == 1 {
				return left + plotW/2
			}
			return left + plotW*float32(i)/float32(len(days)-1)
		}
		y := func(d time.Duration) float32 { return top + plotH - plotH*float32(float64(d)/float64(scale)) }
		line := theme.Color(theme.ColorNamePrimary)
		for i, d := range days {
			if d.First.Count == 0 {
				continue
			}
			if i > 0 && days[i-1].First.Count > 0 {
				seg := canvas.NewLine(line)
				seg.StrokeWidth = 2
				seg.Position1, seg.Position2 = fyne.NewPos(x(i-1), y(days[i-1].First.Median)), fyne.NewPos(x(i), y(d.First.Median))
				out = append(out, seg)
			}
			dot := canvas.NewCircle(waitColour(d.First.Median))
			dot.StrokeColor, dot.StrokeWidth = line, 1
			dot.Move(fyne.NewPos(x(i)-4, y(d.First.Median)-4))
			dot.Resize(fyne.NewSize(8, 8))
			out = append(out, dot)
		}
		for _, i := range dayLabels(len(days)) {
			align := fyne.TextAlignCenter // the first and the last stay inside the chart
			if i == 0 && len(days) > 1 {
				align = fyne.TextAlignLeading
			} else if i == len(days)-1 && len(days) > 1 {
				align = fyne.TextAlignTrailing
			}
			out = append(out, chartText(days[i].Day.Format(lang.X("format.day", "2 Jan")), x(i), size.Height-bottom/2, align))
		}
		return out
	})
}

// dayLabels are the days whose dates are written under the line: the
// first, the last and one between.
func dayLabels(n int) []int {
	switch {
	case n <= 0:
		return nil
	case n == 1:
		return []int{0}
	case n == 2:
		return []int{0, 1}
	}
	return []int{0, (n - 1) / 2, n - 1}
}

// niceScale is the top of the chart's axis: at least d, in whole steps
// people read (1, 2, 5, 10, 15, 30 minutes, then hours).
func niceScale(d time.Duration) time.Duration {
	for _, step := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 10 * time.Minute, 20 * time.Minute,
		30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour} {
		if d <= step {
			return step
		}
	}
	return (d/time.Hour + 1) * time.Hour
}

// heatChart shows when clients write: a cell per weekday (Monday first)
// and hour, darker the more messages.
func heatChart(written [7][24]int) *drawing {
	return newDrawing(fyne.NewSize(24*14+48, 7*16+22), func(size fyne.Size) []fyne.CanvasObject {
		const left, top = 44, 18
		most := 0
		for _, day := range written {
			for _, n := range day {
				most = max(most, n)
			}
		}
		cellW, cellH := (size.Width-left)/24, (size.Height-top)/7
		var out []fyne.CanvasObject
		names := dayNames()
		empty := theme.Color(theme.ColorNameInputBackground)
		full := theme.Color(theme.ColorNamePrimary)
		for d := range 7 {
			y := top + cellH*float32(d)
			out = append(out, chartText(names[(d+1)%7], 0, y+cellH/2, fyne.TextAlignLeading))
			for h := range 24 {
				c := empty
				if n := written[d][h]; n > 0 {
					c = blend(empty, full, 0.15+0.85*float64(n)/float64(most))
				}
				out = append(out, rect(c, left+cellW*float32(h)+1, y+1, cellW-2, cellH-2))
			}
		}
		for h := 0; h < 24; h += 3 {
			out = append(out, chartText(clockText(h*60), left+cellW*float32(h), top/2, fyne.TextAlignLeading))
		}
		return out
	})
}

// blend is a between b (0) and c (1).
func blend(b, c color.Color, a float64) color.Color {
	r1, g1, b1, _ := b.RGBA()
	r2, g2, b2, _ := c.RGBA()
	mix := func(x, y uint32) uint8 { return uint8((float64(x)*(1-a) + float64(y)*a) / 257) }
	return color.NRGBA{R: mix(r1, r2), G: mix(g1, g2), B: mix(b1, b2), A: 0xff}
}
