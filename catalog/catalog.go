// Package catalog holds Pantau's starter catalogue as files a government can
// read and edit: the macro indicators RPJMD documents commonly carry, with
// BPS's definitions, and the national plan RPJMN 2025–2029 with its published
// national targets. The files are embedded so that `pantau init` needs
// nothing but the binary; README.md says where each definition comes from.
package catalog

import _ "embed"

var (
	//go:embed starter.yaml
	starter []byte
	//go:embed rpjmn_targets.csv
	rpjmnTargets []byte
)

// Starter returns starter.yaml, a catalogue file (agencies, indicators,
// plans) in the format of `pantau catalog import`. The slice is the
// caller's: changing it changes no later call.
func Starter() []byte { return clone(starter) }

// RPJMNTargets returns rpjmn_targets.csv, the RPJMN 2025–2029's published
// national targets in the targets CSV dialect `pantau import --targets`
// reads (';'-separated, decimal comma).
func RPJMNTargets() []byte { return clone(rpjmnTargets) }

func clone(b []byte) []byte { return append([]byte(nil), b...) }
