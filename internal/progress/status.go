package progress

import "pantau/internal/locale"

// Text is a sentence computed in both of Pantau's languages at once: the
// API returns both ({"id": …, "en": …}) and pages pick one. Its words come
// from the locale catalogue (say, both); only the numbers and names put
// into them are this package's.
type Text struct {
	ID string `json:"id"`
	EN string `json:"en"`
}

// In returns the text in lang, Indonesian unless lang is locale.EN.
func (t Text) In(lang locale.Lang) string {
	if lang == locale.EN {
		return t.EN
	}
	return t.ID
}

// Status is the verdict of a progress method.
type Status string

// Statuses of the Open SDG / Statistics Canada method. The first five are
// sdg-build's own labels (ProgressMeasure.get_progress_status).
const (
	TargetAchieved      = Status("target_achieved")
	SubstantialProgress = Status("substantial_progress")
	ModerateProgress    = Status("moderate_progress")
	LimitedProgress     = Status("limited_progress")
	Deterioration       = Status("deterioration")
)

// Statuses of the anticipated-progress (ESCAP) method.
const (
	OnTrack      = Status("on_track")
	Accelerate   = Status("accelerate")
	ReverseTrend = Status("reverse_trend")
)

// Statuses shared by both methods when no verdict can be given.
const (
	// InsufficientData: fewer than two observations in the years that may be
	// used (after the last series break).
	InsufficientData = Status("insufficient_data")
	// NotComputable: the formula is undefined for these values (a growth rate
	// from zero or across a change of sign); the explanation says why.
	NotComputable = Status("not_computable")
	// NotApplicable: the indicator has no good direction (population) or no
	// target to measure against.
	NotApplicable = Status("not_applicable")
	// NotAvailable is sdg-build's own label when it computes no value; it
	// appears only in SDGBuild.Status.
	NotAvailable = Status("not_available")
)

// Label returns the status as a reader should see it, in both languages:
// the catalogue's "status.<status>", or the status itself when it has none.
func (s Status) Label() Text {
	if id := "status." + string(s); locale.ID.Has(id) {
		return say(id)
	}
	return Text{string(s), string(s)}
}

// Threshold is the lowest ratio that earns a status: a ratio r gets the
// status of the first threshold (in order) with r >= Min.
type Threshold struct {
	Status Status  `json:"status"`
	Min    float64 `json:"min"`
}

// The thresholds of sdg-build's ProgressMeasure.get_progress_thresholds: method
// 2 (with a target) compares the ratio of observed to required growth,
// method 1 (without) the observed growth rate itself. Below the last
// threshold the status is deterioration.
var (
	sdgThresholdsTarget = []Threshold{
		{SubstantialProgress, 0.95},
		{ModerateProgress, 0.6},
		{LimitedProgress, 0},
	}
	sdgThresholdsNoTarget = []Threshold{
		{SubstantialProgress, 0.015},
		{ModerateProgress, 0.005},
		{LimitedProgress, 0},
	}
	// anticipatedThresholds: the projected change covers the whole required
	// change (≥ 1), part of it (strictly above 0) or none (≤ 0: reverse the
	// trend); anticipate applies the strict bound itself.
	anticipatedThresholds = []Threshold{
		{OnTrack, 1},
		{Accelerate, 0},
	}
)

// classify applies thresholds as sdg-build's get_progress_status does
// (value >= high, high > value >= med, …, below low: deterioration).
func classify(r float64, th []Threshold, below Status) Status {
	for _, t := range th {
		if r >= t.Min {
			return t.Status
		}
	}
	return below
}
