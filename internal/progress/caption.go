package progress

import (
	"regexp"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// CaptionTarget is the target a caption mentions.
type CaptionTarget struct {
	// Label names the plan as readers know it: "RPJMN", "RPJMD Kab. Banyuasin".
	Label string  `json:"label"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	Year  int     `json:"year"`
	// Illustrative marks a generated demo target: the caption says so.
	Illustrative bool `json:"illustrative,omitempty"`
}

// CaptionInput is what a chart caption is written from.
type CaptionInput struct {
	Indicator domain.Indicator
	// RegionName as it should read in a sentence: "Kabupaten Banyuasin".
	RegionName   string
	Observations []domain.Observation
	Target       *CaptionTarget
}

var planYears = regexp.MustCompile(`\s*\d{4}(\s*[–-]\s*\d{4})?\s*$`)

// illustrativeMark is the marker a catalogue may end an illustrative
// plan's name with: "(data contoh)", "(ilustratif)", "(illustrative)".
var illustrativeMark = regexp.MustCompile(`(?i)\s*\((data contoh|contoh|ilustratif|illustrative)[^)]*\)\s*$`)

// PlanBase is a plan's name without the illustrative marker of its
// catalogue entry: readers are told in their own language instead.
func PlanBase(p domain.Plan) string {
	if p.Illustrative {
		if n := illustrativeMark.ReplaceAllString(p.Name, ""); n != "" {
			return n
		}
	}
	return p.Name
}

// PlanName is a plan's name for readers of l: an illustrative plan's
// marker in the language of l ("(data contoh)", "(illustrative)").
func PlanName(l locale.Lang, p domain.Plan) string {
	if !p.Illustrative {
		return p.Name
	}
	return PlanBase(p) + " (" + l.Get("progress.caption.illustrative") + ")"
}

// PlanLabel is a plan's name without its trailing period (nor its
// illustrative marker, which captions add in their own language), as
// captions cite it: "RPJMN 2025–2029" → "RPJMN".
func PlanLabel(p domain.Plan) string {
	name := PlanBase(p)
	if l := planYears.ReplaceAllString(name, ""); l != "" {
		return l
	}
	return name
}

// CaptionTargetOf builds the caption target of a plan's target.
func CaptionTargetOf(p domain.Plan, t domain.Target) CaptionTarget {
	return CaptionTarget{Label: PlanLabel(p), Low: t.Low, High: t.High, Year: t.Year, Illustrative: p.Illustrative}
}

// Caption writes a one-sentence, plain and factual caption for a chart of
// the series, in both languages, with the locale's number format:
//
//	Kemiskinan ekstrem di Kabupaten Banyuasin turun dari 0,56% (2023)
//	menjadi 0,49% (2024); target RPJMN 0% pada 2026.
//
// It compares the latest value with the one before it, names missing years
// between them, says when the latest value starts a new method (and is not
// compared), marks preliminary values, and calls a change that vanishes at
// the indicator's decimals "flat". Observations that cannot be analysed
// (duplicate years) give a caption without a comparison.
func Caption(in CaptionInput) Text {
	ind := in.Indicator
	pts, err := points(ind.Code, in.Observations)
	if err != nil {
		pts = nil
	}
	f := newFormatter(ind, pts)
	return both(func(l locale.Lang) string {
		name := ind.Name(l)
		region := strings.TrimSpace(in.RegionName)
		subject := name
		if region != "" {
			subject = l.Get("progress.caption.in", name, region)
		}
		var s string
		switch {
		case len(pts) == 0 && region != "":
			s = l.Get("progress.caption.no_data_region", lowerFirst(name), region)
		case len(pts) == 0:
			s = l.Get("progress.caption.no_data", lowerFirst(name))
		case len(pts) == 1:
			s = subject + ": " + f.value(l, pts[0].Value) + " (" + yearNote(l, pts[0]) + ")"
		default:
			prev, last := pts[len(pts)-2], pts[len(pts)-1]
			s = compareSentence(l, subject, prev, last, f)
		}
		if t := in.Target; t != nil {
			s += l.Get("progress.caption.target", t.Label, f.target(l, t.Low, t.High), t.Year)
			if t.Illustrative {
				s += " (" + l.Get("progress.caption.illustrative") + ")"
			}
		}
		return s + "."
	})
}

func compareSentence(l locale.Lang, subject string, prev, last Point, f valueFormatter) string {
	if last.Break {
		return l.Get("progress.caption.break", subject, f.value(l, last.Value), yearNote(l, last), prev.Year)
	}
	missing := ""
	if last.Year-prev.Year > 1 {
		var ys []int
		for y := prev.Year + 1; y < last.Year; y++ {
			ys = append(ys, y)
		}
		missing = " (" + l.Get("progress.caption.missing", yearsText(ys)) + ")"
	}
	a, b := f.value(l, prev.Value), f.value(l, last.Value)
	d := roundTo(last.Value, f.decimals) - roundTo(prev.Value, f.decimals)
	switch {
	case d == 0:
		return l.Get("progress.caption.stayed", subject, b, prev.Year, yearNote(l, last), missing)
	case d > 0:
		return l.Get("progress.caption.rose", subject, a, yearNote(l, prev), b, yearNote(l, last), missing)
	}
	return l.Get("progress.caption.fell", subject, a, yearNote(l, prev), b, yearNote(l, last), missing)
}

// yearNote is the year, with a mark for a preliminary value.
func yearNote(l locale.Lang, p Point) string {
	if p.Status == domain.StatusPreliminary {
		return l.Get("progress.caption.preliminary", p.Year)
	}
	return itoa(p.Year)
}

// lowerFirst lower-cases the first letter of a name used mid-sentence,
// unless it looks like an acronym ("IPM").
func lowerFirst(s string) string {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' || (s[1] >= 'A' && s[1] <= 'Z') {
		return s
	}
	return string(s[0]-'A'+'a') + s[1:]
}
