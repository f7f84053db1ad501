package chart

import (
	"strconv"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

// ScoreRow is one line of a scorecard, or one KPI tile, with every number
// already formatted for the page language.
type ScoreRow struct {
	Indicator  string
	Name       string
	Group      string // disaggregation label; empty for the total
	Latest     string // "0,49%"
	LatestYear string
	// Change is the change from the previous observation ("−0,07 poin"),
	// with Trend "down", "up" or "flat" and Better whether it went the
	// good way.
	Change string
	Trend  string
	Better bool
	Target string // "0% (2029, RPJMD Kab. Banyuasin …)"
	// Capaian is the latest value's achievement against the headline
	// target, Indonesian reporting style ("104,2%"), or the gap when the
	// target is zero.
	Capaian      string
	Status       string // the Open SDG method's label
	StatusClass  string // good, fair, poor or none: the status colour
	Anticipated  string
	AnticipClass string
	// Explanations of both verdicts, shown on demand.
	SDGSentence         string
	AnticipatedSentence string
	Illustrative        bool
}

// StatusClass maps a verdict to a colour class: good, fair, poor or none.
func StatusClass(s progress.Status) string {
	switch s {
	case progress.TargetAchieved, progress.SubstantialProgress, progress.OnTrack:
		return "good"
	case progress.ModerateProgress, progress.Accelerate:
		return "fair"
	case progress.LimitedProgress, progress.Deterioration, progress.ReverseTrend:
		return "poor"
	}
	return "none"
}

// Scorecard formats the progress engine's scorecard rows for a page.
// Indicators give the decimals and names, plans the target's plan name.
func Scorecard(lang locale.Lang, rows []progress.ScorecardRow, inds map[string]domain.Indicator, plans map[string]domain.Plan) []ScoreRow {
	out := make([]ScoreRow, 0, len(rows))
	for _, r := range rows {
		ind, ok := inds[r.Indicator]
		if !ok {
			ind = domain.Indicator{Code: r.Indicator, NameID: r.NameID, NameEN: r.NameEN, Unit: r.Unit, Decimals: r.Decimals, Polarity: r.Polarity}
		}
		s := ScoreRow{
			Indicator: r.Indicator, Name: ind.Name(lang), Latest: "–", Target: "–", Capaian: "–", Trend: "flat",
			Status: r.SDG.Label.In(lang), StatusClass: StatusClass(r.SDG.Status),
			Anticipated: r.Anticipated.Label.In(lang), AnticipClass: StatusClass(r.Anticipated.Status),
			SDGSentence: r.SDG.Sentence.In(lang), AnticipatedSentence: r.Anticipated.Sentence.In(lang),
		}
		if r.Disaggregation != domain.Total {
			s.Group = GroupLabel(lang, r.Disaggregation)
		}
		if r.Latest != nil {
			s.Latest = valueText(lang, ind, r.Latest.Value)
			s.LatestYear = strconv.Itoa(r.Latest.Year)
		}
		if c := r.Change; c != nil {
			d := ind.Round(c.Absolute)
			sign := ""
			switch {
			case d > 0:
				s.Trend, sign = "up", "+"
			case d < 0:
				s.Trend, sign = "down", "−"
			}
			if d < 0 {
				d = -d
			}
			s.Change = sign + progress.FormatNumber(lang, d, ind.Decimals)
			if ind.Unit == domain.UnitPercent {
				s.Change += " " + lang.Get("chart.points")
			}
			s.Better = ind.Polarity.Sign()*c.Absolute > 0
		}
		if t := r.Target; t != nil {
			tg := domain.Target{PlanCode: t.Plan, Low: t.Low, High: t.High, ObservationKey: domain.ObservationKey{Year: t.Year}}
			name := t.PlanName
			if p, ok := plans[t.Plan]; ok {
				name = PlanShort(p)
				s.Illustrative = p.Illustrative
			}
			s.Target = targetText(lang, ind, tg) + " (" + strconv.Itoa(t.Year) + ", " + name + ")"
			if r.Latest != nil {
				if c, ok := progress.CapaianOf(ind, tg, r.Latest.Value); ok {
					if c.Percent != nil {
						s.Capaian = progress.FormatNumber(lang, *c.Percent, 1) + "%"
					} else {
						s.Capaian = lang.Get("chart.gap") + " " + progress.FormatValue(lang, c.Gap, ind.Decimals, ind.Unit)
					}
				}
			}
		}
		out = append(out, s)
	}
	return out
}
