// Package progress turns a series of observations and the plan targets for
// it into what a planner asks: where are we, where is the trend heading, are
// we on track for the 2025–2029 targets, and why (not)?
//
// Everything here is a pure function of its arguments: no I/O, no SQL, no
// HTTP. Results are plain structs with snake_case JSON tags that the web
// layer serves as they are; every number that can be undefined (a growth
// rate from zero, a ratio with a zero denominator) is a *float64 that is
// nil rather than NaN or ±Inf, so every result marshals to valid JSON.
//
// Two progress methods are computed side by side (PRODUCT.md, "Progress
// against targets"):
//
//   - the Open SDG / Statistics Canada method, as implemented by sdg-build's
//     ProgressMeasure.py, reproduced number for number, plus Pantau's linear
//     fallback where that method breaks down (a zero target);
//   - ESCAP-style anticipated progress: a time-weighted linear trend
//     projected to the target year.
//
// No trend, growth rate or projection spans a series break: only the
// observations from the last break on are used, and every explanation says
// which years were used and why.
//
// Entry points: Analyze (one series, every target, full explanations),
// Scorecard (one row per series, headline target only), GroupGaps and
// GapBetween (disaggregated groups), DisparityOf and DisparityOverTime
// (districts of a region), Alignment (regency vs province vs nation
// targets), Caption, and FormatNumber / FormatValue for locale-aware
// numbers.
package progress
