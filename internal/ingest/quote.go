package ingest

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// A problem quotes what the file said, and a file is whatever an agency
// sent: one 40 MB cell, quoted in a row error's value, its reason and the
// summary, then escaped as JSON, made a gigabyte answer. So a quoted value
// is cut to maxQuoted bytes with its size stated, and the list of problems
// and the summary stop at a size of their own (Report.add, Report.Err).
const (
	// maxQuoted is the longest value quoted whole.
	maxQuoted = 64
	// maxListedBytes bounds the values, reasons and columns of the problems
	// listed; the rest are counted in MoreErrors. JSON may write a byte as
	// six (\u003c), so an answer's list stays under about 600 kB.
	maxListedBytes = 96 << 10
	// maxArg is the longest text a message takes whole.
	maxArg = 1 << 10
	// maxSummaryBytes bounds the problems spelt out in Err's message.
	maxSummaryBytes = 16 << 10
)

// clip returns s, or when longer than maxQuoted its start (cut between
// characters) with its size: "<<<<… (40 MB)".
func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	n := maxQuoted
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "… (" + byteSize(len(s)) + ")"
}

// byteSize is n in bytes, kB or MB (of 1024), rounded down.
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// clipArgs clips the strings among a message's arguments, copying args
// only when it changes one: the problem's cell raw or part of it (a value
// trimmed, unquoted) to maxQuoted, and anything longer than maxArg, which
// no message of ours composes (a list of candidates is shorter).
func clipArgs(raw string, args []any) []any {
	out := args
	for i, a := range args {
		s, ok := a.(string)
		if !ok || len(s) <= maxQuoted || len(s) <= maxArg && !strings.Contains(raw, s) {
			continue
		}
		if &out[0] == &args[0] {
			out = slices.Clone(args)
		}
		out[i] = clip(s)
	}
	return out
}
