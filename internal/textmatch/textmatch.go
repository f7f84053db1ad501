// Package textmatch finds what a person probably meant: the known names
// nearest to a mistyped one, by edit distance. The file readers (data,
// catalogue) use it for their "did you mean" hints.
package textmatch

import "sort"

// Closest returns up to n labels whose keys are within edit distance
// max(1, len(q)/3) of q, nearest first (keys[i] is compared, labels[i]
// returned; a label is returned once). labels may be nil: keys are then
// their own labels.
func Closest(q string, keys, labels []string, n int) []string {
	if labels == nil {
		labels = keys
	}
	limit := max(1, len([]rune(q))/3)
	type hit struct {
		d     int
		label string
	}
	var hits []hit
	seen := map[string]bool{}
	for i, k := range keys {
		if k == "" || abs(len(k)-len(q)) > limit*2 {
			continue
		}
		if d := Distance(q, k); d <= limit && !seen[labels[i]] {
			seen[labels[i]] = true
			hits = append(hits, hit{d, labels[i]})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].d < hits[j].d })
	var out []string
	for i := 0; i < len(hits) && i < n; i++ {
		out = append(out, hits[i].label)
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Distance is the Levenshtein distance between a and b, by rune.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
