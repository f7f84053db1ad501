package domain

import (
	"sort"
	"strings"
)

// Disaggregation is a canonical set of dimension=value pairs on a series,
// written "daerah=perdesaan;jenis_kelamin=perempuan": keys sorted, names and
// values normalised. The total has none and is the empty string, which lets
// it be part of a primary key on every database.
type Disaggregation string

// Total is the series without any disaggregation.
const Total = Disaggregation("")

// dimensionAliases maps the names agencies use to the canonical dimension.
var dimensionAliases = map[string]string{
	"jenis_kelamin": "jenis_kelamin", "jk": "jenis_kelamin", "sex": "jenis_kelamin", "gender": "jenis_kelamin", "kelamin": "jenis_kelamin",
	"daerah": "daerah", "tipe_daerah": "daerah", "klasifikasi_daerah": "daerah", "area": "daerah", "urbanisation": "daerah", "urbanization": "daerah", "location": "daerah",
	"kelompok_umur": "kelompok_umur", "umur": "kelompok_umur", "age": "kelompok_umur", "age_group": "kelompok_umur", "kelompok_usia": "kelompok_umur",
}

// valueAliases maps the values agencies write to the canonical value, per dimension.
var valueAliases = map[string]map[string]string{
	"jenis_kelamin": {
		"l": "laki_laki", "lk": "laki_laki", "laki_laki": "laki_laki", "lakilaki": "laki_laki", "pria": "laki_laki", "male": "laki_laki", "m": "laki_laki",
		"p": "perempuan", "pr": "perempuan", "perempuan": "perempuan", "wanita": "perempuan", "female": "perempuan", "f": "perempuan",
	},
	"daerah": {
		"perkotaan": "perkotaan", "kota": "perkotaan", "urban": "perkotaan",
		"perdesaan": "perdesaan", "pedesaan": "perdesaan", "desa": "perdesaan", "rural": "perdesaan",
	},
}

// normalizeToken lower-cases s and turns runs of spaces, hyphens between
// words and slashes into single underscores ("Laki-laki" → "laki_laki").
func normalizeToken(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	pendingSep := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '_' || r == '/' || r == '\t':
			pendingSep = true
		default:
			if pendingSep && b.Len() > 0 {
				b.WriteByte('_')
			}
			pendingSep = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NormalizeDimension returns the canonical (dimension, value) for a pair as
// written in a file, or ok=false when either is empty or contains the
// separators '=' or ';'.
func NormalizeDimension(dim, value string) (string, string, bool) {
	d := normalizeToken(dim)
	if canon, ok := dimensionAliases[d]; ok {
		d = canon
	}
	v := normalizeToken(value)
	if d == "kelompok_umur" {
		v = strings.ReplaceAll(strings.ReplaceAll(v, "_", ""), "–", "-")
	} else if canon, ok := valueAliases[d][strings.ReplaceAll(v, "-", "_")]; ok {
		v = canon
	}
	if d == "" || v == "" || strings.ContainsAny(d+v, "=;") {
		return "", "", false
	}
	return d, v, true
}

// NewDisaggregation builds the canonical form from pairs. Pairs whose value
// means "total" (total, jumlah, semua, all, _T) are dropped.
func NewDisaggregation(pairs map[string]string) (Disaggregation, error) {
	keys := make([]string, 0, len(pairs))
	canon := make(map[string]string, len(pairs))
	for k, v := range pairs {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "", "total", "jumlah", "semua", "all", "_t":
			continue
		}
		d, val, ok := NormalizeDimension(k, v)
		if !ok {
			return "", Errorf(ErrInvalid, "disaggregation %q=%q is not valid", k, v)
		}
		if _, dup := canon[d]; dup {
			return "", Errorf(ErrInvalid, "disaggregation names dimension %q twice", d)
		}
		canon[d] = val
		keys = append(keys, d)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + canon[k]
	}
	return Disaggregation(strings.Join(parts, ";")), nil
}

// ParseDisaggregation reads "k=v;k=v" (also with ',' between pairs) into its
// canonical form.
func ParseDisaggregation(s string) (Disaggregation, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Total, nil
	}
	pairs := map[string]string{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return "", Errorf(ErrInvalid, "disaggregation %q: %q is not dimension=value", s, part)
		}
		if _, dup := pairs[k]; dup {
			return "", Errorf(ErrInvalid, "disaggregation %q names %q twice", s, k)
		}
		pairs[k] = v
	}
	return NewDisaggregation(pairs)
}

// Pairs returns the dimension=value pairs in key order.
func (d Disaggregation) Pairs() map[string]string {
	m := map[string]string{}
	if d == Total {
		return m
	}
	for _, part := range strings.Split(string(d), ";") {
		k, v, _ := strings.Cut(part, "=")
		m[k] = v
	}
	return m
}
