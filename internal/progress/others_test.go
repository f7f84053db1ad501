package progress

import (
	"math"
	"slices"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

func group(d string, yv ...float64) GroupSeries {
	dis, err := domain.ParseDisaggregation(d)
	if err != nil {
		panic(err)
	}
	o := obs("tpt", yv...)
	for i := range o {
		o[i].Disagg = dis
	}
	return GroupSeries{Disagg: dis, Observations: o}
}

func TestGroupGaps(t *testing.T) {
	tpt := ind("tpt", domain.LowerIsBetter, "persen", 2)
	for _, tt := range []struct {
		name     string
		groups   []GroupSeries
		n        int
		movement Movement
		change   float64 // NaN: nil
		better   string
		check    func(t *testing.T, g GroupGap)
	}{
		{
			// women 4.0, 3.8, 3.5; men 3.0, 3.0, 3.1 (2022–2024)
			// gaps 1.0, 0.8, 0.4: |0.4| − |1.0| = −0.6, closing; in 2024 men are better (lower).
			name: "closing",
			groups: []GroupSeries{
				group("jenis_kelamin=laki_laki", 2022, 3.0, 2023, 3.0, 2024, 3.1),
				group("jenis_kelamin=perempuan", 2022, 4.0, 2023, 3.8, 2024, 3.5),
			},
			n: 1, movement: Closing, change: -0.6, better: "jenis_kelamin=laki_laki",
			check: func(t *testing.T, g GroupGap) {
				if g.A != "jenis_kelamin=perempuan" || len(g.Years) != 3 {
					t.Errorf("gap = %+v, want women − men over 3 years", g)
				}
				near(t, "ratio 2022", g.Years[0].Ratio, 4.0/3.0, 1e-9)
				if !strings.Contains(g.Sentence.ID, "menyempit") || !strings.Contains(g.Sentence.EN, "narrowed") {
					t.Errorf("sentence = %+v", g.Sentence)
				}
			},
		},
		{
			// rural 12, 13 vs urban 8, 7.5: gaps 4, 5.5: widening by 1.5.
			name: "widening, rural vs urban, missing year skipped",
			groups: []GroupSeries{
				group("daerah=perdesaan", 2022, 12, 2023, 99, 2024, 13),
				group("daerah=perkotaan", 2022, 8, 2024, 7.5),
			},
			n: 1, movement: Widening, change: 1.5, better: "daerah=perkotaan",
		},
		{
			// A break in either group restarts the comparison: only 2023–2024 count.
			// gaps 2023: 1.0, 2024: 1.0: stable.
			name: "break",
			groups: []GroupSeries{
				{Disagg: "jenis_kelamin=perempuan", Observations: withBreak(group("jenis_kelamin=perempuan", 2022, 9, 2023, 4, 2024, 4).Observations, 2023)},
				group("jenis_kelamin=laki_laki", 2022, 3, 2023, 3, 2024, 3),
			},
			n: 1, movement: Stable, change: 0, better: "jenis_kelamin=laki_laki",
			check: func(t *testing.T, g GroupGap) {
				if len(g.Years) != 2 || !strings.Contains(g.YearsWhy.EN, "2022") {
					t.Errorf("years = %+v, why = %s", g.Years, g.YearsWhy.EN)
				}
			},
		},
		{
			name:   "one common year",
			groups: []GroupSeries{group("jenis_kelamin=perempuan", 2024, 4), group("jenis_kelamin=laki_laki", 2024, 3)},
			n:      1, movement: TooFew, change: none, better: "jenis_kelamin=laki_laki",
		},
		{
			// Different age groups are not compared across sex.
			name: "unmatched pairs",
			groups: []GroupSeries{
				group("jenis_kelamin=perempuan;kelompok_umur=15-24", 2024, 4),
				group("jenis_kelamin=laki_laki;kelompok_umur=25-54", 2024, 3),
			},
			n: 0,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gs, err := GroupGaps(tpt, tt.groups)
			if err != nil {
				t.Fatal(err)
			}
			if len(gs) != tt.n {
				t.Fatalf("%d gaps, want %d: %+v", len(gs), tt.n, gs)
			}
			if tt.n == 0 {
				return
			}
			g := gs[0]
			if g.Movement != tt.movement {
				t.Errorf("movement = %s, want %s", g.Movement, tt.movement)
			}
			checkRatio(t, "change", g.Change, tt.change)
			if string(g.Better) != tt.better {
				t.Errorf("better = %q, want %q", g.Better, tt.better)
			}
			if tt.check != nil {
				tt.check(t, g)
			}
		})
	}
}

func TestDisparity(t *testing.T) {
	pop := func(v float64) *float64 { return &v }
	for _, tt := range []struct {
		name       string
		ind        domain.Indicator
		values     []DistrictValue
		cv         float64
		maxMin     float64
		williamson float64
		ranking    string
	}{
		{
			// values 10, 20, 30; mean 20; SD = √((100 + 0 + 100)/3) = 8.164966; CV = 0.408248
			// max/min = 3
			// populations 1, 1, 2 (P = 4): ȳ = (10 + 20 + 60)/4 = 22.5
			// Iw = √(( 12.5²·1 + 2.5²·1 + 7.5²·2 )/4) / 22.5 = √((156.25 + 6.25 + 112.5)/4)/22.5
			//    = √68.75/22.5 = 8.291562/22.5 = 0.368514
			name: "lower is better, with population",
			ind:  poverty,
			values: []DistrictValue{
				{Region: "16.07.01", Value: 20, Population: pop(1)},
				{Region: "16.07.02", Value: 10, Population: pop(1)},
				{Region: "16.07.03", Value: 30, Population: pop(2)},
			},
			cv: 0.408248, maxMin: 3, williamson: 0.368514, ranking: "16.07.02 16.07.01 16.07.03",
		},
		{
			// Higher is better ranks the largest first; tied values share a rank.
			// values 5, 5, 0: mean 10/3, SD = √((2.7778·2 + 11.1111)/3) = 2.357023, CV = 0.707107;
			// min 0: no max/min ratio; no population: no Williamson index.
			name: "higher is better, ties, zero",
			ind:  growthRate,
			values: []DistrictValue{
				{Region: "a", Value: 0}, {Region: "b", Value: 5}, {Region: "c", Value: 5},
			},
			cv: 0.707107, maxMin: none, williamson: none, ranking: "b c a",
		},
		{
			// Band 1.5–3.5: 2 and 3 are inside (distance 0, tied), 5 is 1.5 out, 1 is 0.5 out.
			name: "band",
			ind:  inflation,
			values: []DistrictValue{
				{Region: "a", Value: 5}, {Region: "b", Value: 2}, {Region: "c", Value: 1}, {Region: "d", Value: 3},
			},
			// mean 2.75; SD = √((5.0625 + 0.5625 + 3.0625 + 0.0625)/4) = √2.1875 = 1.479020; CV = 0.537826
			cv: 0.537826, maxMin: 5, williamson: none, ranking: "b d c a",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DisparityOf(tt.ind, 2024, tt.values)
			if err != nil {
				t.Fatal(err)
			}
			checkRatio(t, "cv", d.CV, tt.cv)
			checkRatio(t, "max/min", d.MaxMin, tt.maxMin)
			checkRatio(t, "williamson", d.Williamson, tt.williamson)
			var order []string
			for _, r := range d.Ranking {
				order = append(order, r.Region)
			}
			if got := strings.Join(order, " "); got != tt.ranking {
				t.Errorf("ranking = %s, want %s", got, tt.ranking)
			}
		})
	}
	// Ties share a rank: 5, 5 are both first, 0 is third.
	d, _ := DisparityOf(growthRate, 2024, []DistrictValue{{Region: "a", Value: 0}, {Region: "b", Value: 5}, {Region: "c", Value: 5}})
	if d.Ranking[0].Rank != 1 || d.Ranking[1].Rank != 1 || d.Ranking[2].Rank != 3 {
		t.Errorf("ranks = %+v, want 1 1 3", d.Ranking)
	}
	for _, bad := range [][]DistrictValue{nil, {{Region: "a", Value: 1}, {Region: "a", Value: 2}}, {{Region: "a", Value: math.NaN()}}} {
		if _, err := DisparityOf(poverty, 2024, bad); err == nil {
			t.Errorf("DisparityOf(%v) accepted", bad)
		}
	}
}

func TestDisparityOverTime(t *testing.T) {
	pop := func(v float64) *float64 { return &v }
	// 2022: 10, 30 (mean 20, SD 10, CV 0.5, max/min 3); 2024: 15, 25 (mean 20, SD 5, CV 0.25, max/min 1.6667).
	// Equal populations: Williamson = CV: 0.5 → 0.25, closing.
	tr, err := DisparityOverTime(poverty, map[int][]DistrictValue{
		2024: {{Region: "a", Value: 15, Population: pop(1)}, {Region: "b", Value: 25, Population: pop(1)}},
		2022: {{Region: "a", Value: 10, Population: pop(1)}, {Region: "b", Value: 30, Population: pop(1)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name     string
		mc       MeasureChange
		from, to float64
	}{
		{"cv", tr.CV, 0.5, 0.25},
		{"max/min", tr.MaxMin, 3, 25.0 / 15},
		{"williamson", tr.Williamson, 0.5, 0.25},
	} {
		if m.mc.Movement != Closing {
			t.Errorf("%s movement = %s, want closing", m.name, m.mc.Movement)
		}
		near(t, m.name+" from", m.mc.From, m.from, 1e-9)
		near(t, m.name+" to", m.mc.To, m.to, 1e-9)
	}
	if tr.Years[0].Year != 2022 || !strings.Contains(tr.Sentence.ID, "0,500") || !strings.Contains(tr.Sentence.EN, "closing") {
		t.Errorf("years/sentence = %d %+v", tr.Years[0].Year, tr.Sentence)
	}
}

func TestAlignment(t *testing.T) {
	ts := []domain.Target{
		// 2025 growth: regency 5.5 < province 6 (less ambitious), > nation 5.3 (more).
		target("rpjmd-banyuasin", "pertumbuhan_ekonomi", 2025, 5.5, 5.5),
		target("rkpd-sumsel-2025", "pertumbuhan_ekonomi", 2025, 6, 6),
		target("rpjmn-2025-2029", "pertumbuhan_ekonomi", 2025, 5.3, 5.3),
		// 2029 growth: nation 8, regency none: missing.
		target("rpjmn-2025-2029", "pertumbuhan_ekonomi", 2029, 8, 8),
		// 2025 poverty: regency 9.0–9.5 (hardest end 9.0) vs province 9.37–10.37 (9.37): more ambitious.
		target("rpjmd-banyuasin", "kemiskinan", 2025, 9.0, 9.5),
		target("rkpd-sumsel-2025", "kemiskinan", 2025, 9.37, 10.37),
		// 2026 extreme poverty: regency 0.2 vs nation 0: less ambitious for lower is better.
		target("rpjmd-banyuasin", "kemiskinan_ekstrem", 2026, 0.2, 0.2),
		target("rpjmn-2025-2029", "kemiskinan_ekstrem", 2026, 0, 0),
		// A plan not passed in is ignored.
		target("other-plan", "kemiskinan", 2025, 1, 1),
	}
	rows := Alignment([]domain.Indicator{growthRate, poverty, extremePoverty}, plans, ts)
	type want struct {
		flags    string
		ambition string
	}
	wants := map[string]want{
		"kemiskinan/2025":          {"", "more_ambitious"},
		"kemiskinan_ekstrem/2026":  {FlagLessAmbitiousNational, "less_ambitious"},
		"pertumbuhan_ekonomi/2025": {FlagLessAmbitiousProvince, "less_ambitious more_ambitious"},
		"pertumbuhan_ekonomi/2029": {FlagMissingRegency, "missing"},
	}
	if len(rows) != len(wants) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(wants), rows)
	}
	for _, r := range rows {
		k := r.Indicator + "/" + itoa(r.Year)
		w, ok := wants[k]
		if !ok {
			t.Errorf("unexpected row %s", k)
			continue
		}
		var amb []string
		for _, c := range r.Checks {
			amb = append(amb, string(c.Ambition))
		}
		if got := strings.Join(r.Flags, " "); got != w.flags {
			t.Errorf("%s flags = %q, want %q", k, got, w.flags)
		}
		if got := strings.Join(amb, " "); got != w.ambition {
			t.Errorf("%s checks = %q, want %q", k, got, w.ambition)
		}
		if r.Flagged() != (w.flags != "") {
			t.Errorf("%s Flagged() = %v", k, r.Flagged())
		}
	}
	// Band: a regency range inside the province's is more ambitious, one sticking out less.
	for _, tt := range []struct {
		reg, other [2]float64
		want       Ambition
	}{
		{[2]float64{2, 3}, [2]float64{1.5, 3.5}, MoreAmbitious},
		{[2]float64{1.5, 3.5}, [2]float64{1.5, 3.5}, AsAmbitious},
		{[2]float64{1, 3}, [2]float64{1.5, 3.5}, LessAmbitious},
	} {
		got := ambition(inflation, PlanTarget{Low: tt.reg[0], High: tt.reg[1]}, PlanTarget{Low: tt.other[0], High: tt.other[1]})
		if got != tt.want {
			t.Errorf("band %v vs %v = %s, want %s", tt.reg, tt.other, got, tt.want)
		}
	}
}

func TestCaption(t *testing.T) {
	rpjmn := CaptionTargetOf(plans[0], target("rpjmn-2025-2029", "kemiskinan_ekstrem", 2026, 0, 0))
	prelim := obs("kemiskinan", 2024, 9.31, 2025, 8.48)
	prelim[1].Status = domain.StatusPreliminary
	for _, tt := range []struct {
		name   string
		in     CaptionInput
		id, en string
	}{
		{
			name: "fall with target",
			in:   CaptionInput{Indicator: extremePoverty, RegionName: "Kabupaten Banyuasin", Observations: obs("kemiskinan_ekstrem", 2023, 0.56, 2024, 0.49), Target: &rpjmn},
			id:   "Kemiskinan ekstrem di Kabupaten Banyuasin turun dari 0,56% (2023) menjadi 0,49% (2024); target RPJMN 0% pada 2026.",
			en:   "Extreme poverty in Kabupaten Banyuasin fell from 0.56% (2023) to 0.49% (2024); RPJMN target 0% by 2026.",
		},
		{
			name: "rise",
			in:   CaptionInput{Indicator: growthRate, RegionName: "Kabupaten Banyuasin", Observations: obs("pertumbuhan_ekonomi", 2023, 5.06, 2024, 5.14)},
			id:   "Pertumbuhan ekonomi di Kabupaten Banyuasin naik dari 5,06% (2023) menjadi 5,14% (2024).",
			en:   "Economic growth in Kabupaten Banyuasin rose from 5.06% (2023) to 5.14% (2024).",
		},
		{
			name: "flat at the indicator's decimals",
			in:   CaptionInput{Indicator: growthRate, RegionName: "Kabupaten Banyuasin", Observations: obs("pertumbuhan_ekonomi", 2023, 5.061, 2024, 5.059)},
			id:   "Pertumbuhan ekonomi di Kabupaten Banyuasin tetap 5,06% dari 2023 hingga 2024.",
			en:   "Economic growth in Kabupaten Banyuasin stayed at 5.06% from 2023 to 2024.",
		},
		{
			name: "one data point",
			in:   CaptionInput{Indicator: extremePoverty, RegionName: "Kabupaten Banyuasin", Observations: obs("kemiskinan_ekstrem", 2024, 0.49)},
			id:   "Kemiskinan ekstrem di Kabupaten Banyuasin: 0,49% (2024).",
			en:   "Extreme poverty in Kabupaten Banyuasin: 0.49% (2024).",
		},
		{
			name: "no data",
			in:   CaptionInput{Indicator: extremePoverty, RegionName: "Kabupaten Banyuasin"},
			id:   "Belum ada data kemiskinan ekstrem untuk Kabupaten Banyuasin.",
			en:   "No data yet on extreme poverty for Kabupaten Banyuasin.",
		},
		{
			name: "missing years, range target, illustrative",
			in: CaptionInput{Indicator: poverty, RegionName: "Kabupaten Banyuasin", Observations: obs("kemiskinan", 2021, 10.75, 2024, 9.31),
				Target: &CaptionTarget{Label: "RPJMD Kab. Banyuasin", Low: 9.37, High: 10.37, Year: 2025, Illustrative: true}},
			id: "Tingkat kemiskinan di Kabupaten Banyuasin turun dari 10,75% (2021) menjadi 9,31% (2024) (tidak ada data 2022–2023); target RPJMD Kab. Banyuasin 9,37–10,37% pada 2025 (data contoh).",
			en: "Poverty rate in Kabupaten Banyuasin fell from 10.75% (2021) to 9.31% (2024) (no data for 2022–2023); RPJMD Kab. Banyuasin target 9.37–10.37% by 2025 (illustrative).",
		},
		{
			name: "break",
			in: CaptionInput{Indicator: ind("stunting", domain.LowerIsBetter, "persen", 1), RegionName: "Kabupaten Banyuasin",
				Observations: withBreak(obs("stunting", 2021, 22.0, 2022, 24.8, 2023, 20.4), 2023)},
			id: "stunting di Kabupaten Banyuasin: 20,4% (2023, metode baru; tidak sebanding dengan 2022).",
			en: "stunting in Kabupaten Banyuasin: 20.4% (2023, new method; not comparable with 2022).",
		},
		{
			name: "preliminary",
			in:   CaptionInput{Indicator: poverty, RegionName: "Kabupaten Banyuasin", Observations: prelim},
			id:   "Tingkat kemiskinan di Kabupaten Banyuasin turun dari 9,31% (2024) menjadi 8,48% (2025, angka sementara).",
			en:   "Poverty rate in Kabupaten Banyuasin fell from 9.31% (2024) to 8.48% (2025, preliminary).",
		},
		{
			name: "thousands",
			in:   CaptionInput{Indicator: population, RegionName: "Kabupaten Banyuasin", Observations: obs("penduduk", 2020, 836914, 2023, 850022)},
			id:   "Penduduk di Kabupaten Banyuasin naik dari 836.914 jiwa (2020) menjadi 850.022 jiwa (2023) (tidak ada data 2021–2022).",
			en:   "Population in Kabupaten Banyuasin rose from 836,914 people (2020) to 850,022 people (2023) (no data for 2021–2022).",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Caption(tt.in)
			if got.ID != tt.id {
				t.Errorf("id:\n got %s\nwant %s", got.ID, tt.id)
			}
			if got.EN != tt.en {
				t.Errorf("en:\n got %s\nwant %s", got.EN, tt.en)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		lang     locale.Lang
		v        float64
		decimals int
		unit     string
		want     string
	}{
		{locale.ID, 0.49, 2, domain.UnitPercent, "0,49%"},
		{locale.EN, 0.49, 2, domain.UnitPercent, "0.49%"},
		{locale.ID, 20794405.5, 1, "", "20.794.405,5"},
		{locale.EN, 20794405.5, 1, "", "20,794,405.5"},
		{locale.ID, 509264, 0, domain.UnitRupiah, "Rp509.264"},
		{locale.ID, -0.001, 2, domain.UnitIndex, "0,00"},
		{locale.EN, 84.36, 2, domain.UnitThousand, "84.36 thousand people"},
		{locale.ID, 1.5, 1, "ton", "1,5 ton"},
		{"fr", 0.49, 2, domain.UnitPercent, "0,49%"}, // unknown language: Indonesian
		{locale.ID, math.NaN(), 2, "", "–"},
	} {
		if got := FormatValue(tt.lang, tt.v, tt.decimals, tt.unit); got != tt.want {
			t.Errorf("FormatValue(%s, %g, %d, %q) = %q, want %q", tt.lang, tt.v, tt.decimals, tt.unit, got, tt.want)
		}
	}
	if got := FormatNumber(locale.ID, 0.125, 3); got != "0,125" {
		t.Errorf("FormatNumber = %q", got)
	}
	if got := PlanLabel(plans[2]); got != "RPJMD Kab. Banyuasin" {
		t.Errorf("PlanLabel = %q", got)
	}
}

func TestYearsThrough(t *testing.T) {
	for _, tt := range []struct {
		first, last int
		want        []int
	}{
		{2025, 2029, []int{2025, 2026, 2027, 2028, 2029}},
		{2029, 2029, []int{2029}},
		{2030, 2029, []int{}},
	} {
		if got := YearsThrough(tt.first, tt.last); !slices.Equal(got, tt.want) {
			t.Errorf("YearsThrough(%d, %d) = %v, want %v", tt.first, tt.last, got, tt.want)
		}
	}
	if !slices.Equal(DefaultProjectionYears, YearsThrough(2025, 2029)) {
		t.Errorf("DefaultProjectionYears = %v, want the years of the 2025–2029 plans", DefaultProjectionYears)
	}
}
